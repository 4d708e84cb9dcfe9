import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Via } from '../../auth/principal';

export interface AuditLogEntry {
  tokenId: string;
  tokenName: string;
  clientAddress: string;
  via: Via;
  action: string;
  targetType: string | null;
  targetId: string | null;
  /** Already free of secrets (configDiff, maskSecrets). */
  details: unknown;
}

export interface AuditLogFilter {
  action?: string;
  tokenId?: string;
  from?: string;
  to?: string;
  /** Entries after this id (the previous page's `next`). */
  after?: string;
  limit: number;
}

interface Row {
  id: string;
  at: Date;
  token_id: string;
  token_name: string;
  client_address: string;
  via: Via;
  action: string;
  target_type: string | null;
  target_id: string | null;
  details: unknown;
}

export function auditLogView(r: Row) {
  return {
    id: r.id,
    at: r.at.toISOString(),
    tokenId: r.token_id,
    tokenName: r.token_name,
    clientAddress: r.client_address,
    via: r.via,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    details: r.details,
  };
}

const COLUMNS = 'id::text, at, token_id, token_name, client_address, via, action, target_type, target_id, details';

/** The one writer of admin_audit_log, which only ever appends (the database refuses UPDATE and DELETE). */
@Injectable()
export class AuditLogRepository {
  constructor(private readonly db: DataSource) {}

  async append(e: AuditLogEntry): Promise<void> {
    await this.db.query(
      `INSERT INTO admin_audit_log (token_id, token_name, client_address, via, action, target_type, target_id, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)`,
      [
        e.tokenId,
        e.tokenName,
        e.clientAddress,
        e.via,
        e.action,
        e.targetType,
        e.targetId,
        e.details === undefined ? null : JSON.stringify(e.details),
      ],
    );
  }

  /** Oldest first, keyset-paged on id. */
  async list(f: AuditLogFilter) {
    const where: string[] = [];
    const values: unknown[] = [];
    const add = (v: unknown) => `$${values.push(v)}`;
    if (f.action !== undefined) where.push(`action = ${add(f.action)}`);
    if (f.tokenId !== undefined) where.push(`token_id = ${add(f.tokenId)}`);
    if (f.from !== undefined) where.push(`at >= ${add(f.from)}::timestamptz`);
    if (f.to !== undefined) where.push(`at < ${add(f.to)}::timestamptz`);
    if (f.after !== undefined) where.push(`id > ${add(f.after)}::bigint`);
    const rows = (await this.db.query(
      `SELECT ${COLUMNS} FROM admin_audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY id LIMIT ${add(f.limit)}`,
      values,
    )) as Row[];
    return { entries: rows.map(auditLogView), next: rows.length === f.limit ? rows[rows.length - 1].id : null };
  }

  /** Every entry in [from, to), a page at a time, for the export. */
  async *between(from: string, to: string): AsyncGenerator<ReturnType<typeof auditLogView>[]> {
    let after: string | undefined;
    for (;;) {
      const page = await this.list({ from, to, after, limit: 500 });
      if (page.entries.length > 0) yield page.entries;
      if (page.next === null) return;
      after = page.next;
    }
  }
}
