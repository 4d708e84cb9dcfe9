import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Role } from './roles';

export interface AdminTokenRow {
  id: string;
  name: string;
  role: Role;
  source_ids: string[] | null;
  destination_ids: string[] | null;
  expires_at: Date | null;
  created_at: Date;
  created_by: string;
  revoked_at: Date | null;
}

export interface NewAdminToken {
  name: string;
  role: Role;
  tokenHash: string;
  sourceIds: string[] | null;
  destinationIds: string[] | null;
  expiresAt: Date | null;
  createdBy: string;
}

const COLUMNS = `id::text, name, role, source_ids::text[] AS source_ids, destination_ids::text[] AS destination_ids,
  expires_at, created_at, created_by, revoked_at`;

/** The one writer of admin_tokens. The hash never leaves this file except as a lookup key. */
@Injectable()
export class AdminTokensRepository {
  constructor(private readonly db: DataSource) {}

  async insert(t: NewAdminToken): Promise<AdminTokenRow> {
    const rows = (await this.db.query(
      `INSERT INTO admin_tokens (name, role, token_hash, source_ids, destination_ids, expires_at, created_by)
       VALUES ($1, $2, $3, $4::uuid[], $5::uuid[], $6, $7) RETURNING ${COLUMNS}`,
      [t.name, t.role, t.tokenHash, t.sourceIds, t.destinationIds, t.expiresAt, t.createdBy],
    )) as AdminTokenRow[];
    return rows[0];
  }

  /** A token that is neither revoked nor expired. */
  async findLiveByHash(hash: string): Promise<AdminTokenRow | null> {
    const rows = (await this.db.query(
      `SELECT ${COLUMNS} FROM admin_tokens
        WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
      [hash],
    )) as AdminTokenRow[];
    return rows[0] ?? null;
  }

  async findLiveById(id: string): Promise<AdminTokenRow | null> {
    const rows = (await this.db.query(
      `SELECT ${COLUMNS} FROM admin_tokens
        WHERE id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
      [id],
    )) as AdminTokenRow[];
    return rows[0] ?? null;
  }

  async list(): Promise<AdminTokenRow[]> {
    return (await this.db.query(`SELECT ${COLUMNS} FROM admin_tokens ORDER BY created_at, id`)) as AdminTokenRow[];
  }

  async get(id: string): Promise<AdminTokenRow | null> {
    const rows = (await this.db.query(`SELECT ${COLUMNS} FROM admin_tokens WHERE id = $1`, [id])) as AdminTokenRow[];
    return rows[0] ?? null;
  }

  /** Marks the token revoked; returns it (already revoked: unchanged), or null when there is none. */
  async revoke(id: string): Promise<AdminTokenRow | null> {
    await this.db.query(`UPDATE admin_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, [id]);
    return this.get(id);
  }
}
