import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ConfigTable } from './audited.decorator';

const QUERIES: Record<ConfigTable, string> = {
  sources: `SELECT to_jsonb(s) AS row FROM sources s WHERE s.id = $1::uuid`,
  destinations: `SELECT to_jsonb(d) || jsonb_build_object('source_ids',
      ARRAY(SELECT ds.source_id::text FROM destination_sources ds WHERE ds.destination_id = d.id ORDER BY 1)) AS row
    FROM destinations d WHERE d.id = $1::uuid`,
  mappings: `SELECT to_jsonb(m) AS row FROM mappings m WHERE m.id = $1::uuid`,
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Configuration rows as stored, read before and after an audited change to diff them (reads only). */
@Injectable()
export class ConfigSnapshots {
  constructor(private readonly db: DataSource) {}

  /** The row (secrets included: the caller masks them), or null when `id` is no uuid or names no row. */
  async of(table: ConfigTable, id: unknown): Promise<Record<string, unknown> | null> {
    if (typeof id !== 'string' || !UUID.test(id)) return null;
    const rows = (await this.db.query(QUERIES[table], [id])) as { row: Record<string, unknown> }[];
    return rows[0]?.row ?? null;
  }
}
