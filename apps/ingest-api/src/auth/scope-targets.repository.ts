import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * Reads of what a role token's scope can name (never writes): which sources and destinations exist unarchived, and
 * which sources and destinations an event, replay or deletion belongs to. Ids are checked by the caller.
 */
@Injectable()
export class ScopeTargetsRepository {
  constructor(private readonly db: DataSource) {}

  /** Those of `ids` that are not unarchived rows of `table`. */
  async missing(table: 'sources' | 'destinations', ids: string[]): Promise<string[]> {
    const rows = (await this.db.query(
      `SELECT id::text FROM ${table} WHERE id = ANY($1::uuid[]) AND archived_at IS NULL`,
      [ids],
    )) as { id: string }[];
    const found = new Set(rows.map((r) => r.id));
    return ids.filter((i) => !found.has(i));
  }

  /** The sources connected to a destination. */
  async connectedSources(destinationId: string): Promise<string[]> {
    const rows = (await this.db.query(
      `SELECT source_id::text AS id FROM destination_sources WHERE destination_id = $1`,
      [destinationId],
    )) as { id: string }[];
    return rows.map((r) => r.id);
  }

  /** An event's source and the destinations it has deliveries to, or null when there is no such event. */
  async eventOwners(id: string): Promise<{ sourceId: string; destinationIds: string[] } | null> {
    const rows = (await this.db.query(
      `SELECT e.source_id::text AS source_id,
              ARRAY(SELECT DISTINCT d.destination_id::text FROM deliveries d WHERE d.event_id = e.id) AS destinations
         FROM events e WHERE e.id = $1::bigint`,
      [id],
    )) as { source_id: string; destinations: string[] }[];
    const row = rows[0];
    return row ? { sourceId: row.source_id, destinationIds: row.destinations } : null;
  }

  /** A replay's destination and its filter's sourceIds (null when the filter names none), or null. */
  async replayTarget(id: string): Promise<{ destinationId: string; sourceIds: string[] | null } | null> {
    const rows = (await this.db.query(
      `SELECT destination_id::text AS destination_id, filter->'sourceIds' AS source_ids FROM replays WHERE id = $1::bigint`,
      [id],
    )) as { destination_id: string; source_ids: unknown }[];
    const row = rows[0];
    if (!row) return null;
    return { destinationId: row.destination_id, sourceIds: Array.isArray(row.source_ids) ? row.source_ids : null };
  }

  /**
   * The destinations a deletion request targets and the sources now connected to them, or null when there is no
   * such request. From the request itself, not its deliveries: those may not exist (no targets) or be gone.
   */
  async deletionTargets(id: string): Promise<{ destinationIds: string[]; sourceIds: string[] } | null> {
    const rows = (await this.db.query(
      `SELECT d.destination_ids::text[] AS destination_ids,
              ARRAY(SELECT DISTINCT ds.source_id::text FROM destination_sources ds
                     WHERE ds.destination_id = ANY(d.destination_ids)) AS source_ids
         FROM deletions d WHERE d.id = $1::bigint`,
      [id],
    )) as { destination_ids: string[]; source_ids: string[] }[];
    const row = rows[0];
    return row ? { destinationIds: row.destination_ids, sourceIds: row.source_ids } : null;
  }
}
