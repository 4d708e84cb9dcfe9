import type { DataSource } from 'typeorm';
import type { ConfigTable } from './audited.decorator';

const QUERIES: Record<ConfigTable, string> = {
  sources: `SELECT to_jsonb(s) AS row FROM sources s WHERE s.id = $1::uuid`,
  destinations: `SELECT to_jsonb(d) || jsonb_build_object('source_ids',
      ARRAY(SELECT ds.source_id::text FROM destination_sources ds WHERE ds.destination_id = d.id ORDER BY 1)) AS row
    FROM destinations d WHERE d.id = $1::uuid`,
  mappings: `SELECT to_jsonb(m) AS row FROM mappings m WHERE m.id = $1::uuid`,
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A configuration row as stored (secrets included: the caller masks them), or null. */
export async function configSnapshot(
  db: DataSource,
  table: ConfigTable,
  id: unknown,
): Promise<Record<string, unknown> | null> {
  if (typeof id !== 'string' || !UUID.test(id)) return null;
  const rows = (await db.query(QUERIES[table], [id])) as { row: Record<string, unknown> }[];
  return rows[0]?.row ?? null;
}
