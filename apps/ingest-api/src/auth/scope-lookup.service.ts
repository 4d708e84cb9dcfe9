import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { TargetKind } from './route-rule';
import type { Owners } from './scope';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BIGINT = /^[0-9]{1,18}$/;

/** Which sources and destinations an object named in a route belongs to (reads only). */
@Injectable()
export class ScopeLookup {
  constructor(private readonly db: DataSource) {}

  /** null when the id is malformed or unknown: the route itself answers (400 or 404). */
  async owners(kind: TargetKind, id: string): Promise<Owners | null> {
    switch (kind) {
      case 'source':
        return UUID.test(id) ? { sources: [id.toLowerCase()] } : null;
      case 'destination':
        return UUID.test(id) ? { destinations: [id.toLowerCase()] } : null;
      case 'event':
        return BIGINT.test(id) ? this.eventOwners(id) : null;
      case 'replay':
        return BIGINT.test(id) ? this.replayOwners(id) : null;
      case 'deletion':
        return BIGINT.test(id) ? this.deletionOwners(id) : null;
    }
  }

  /** The sources connected to a destination. */
  async connectedSources(destinationId: string): Promise<string[]> {
    if (!UUID.test(destinationId)) return [];
    const rows = (await this.db.query(
      `SELECT source_id::text AS id FROM destination_sources WHERE destination_id = $1`,
      [destinationId],
    )) as { id: string }[];
    return rows.map((r) => r.id);
  }

  private async eventOwners(id: string): Promise<Owners | null> {
    const rows = (await this.db.query(
      `SELECT e.source_id::text AS source_id,
              ARRAY(SELECT DISTINCT d.destination_id::text FROM deliveries d WHERE d.event_id = e.id) AS destinations
         FROM events e WHERE e.id = $1::bigint`,
      [id],
    )) as { source_id: string; destinations: string[] }[];
    const row = rows[0];
    return row ? { sources: [row.source_id], destinations: row.destinations, anyDestination: true } : null;
  }

  /** A replay covers its filter's sources, or else every source connected to its destination. */
  private async replayOwners(id: string): Promise<Owners | null> {
    const rows = (await this.db.query(
      `SELECT destination_id::text AS destination_id, filter->'sourceIds' AS source_ids FROM replays WHERE id = $1::bigint`,
      [id],
    )) as { destination_id: string; source_ids: string[] | null }[];
    const row = rows[0];
    if (!row) return null;
    const sources = Array.isArray(row.source_ids) ? row.source_ids : await this.connectedSources(row.destination_id);
    return { sources, destinations: [row.destination_id] };
  }

  private async deletionOwners(id: string): Promise<Owners | null> {
    const rows = (await this.db.query(
      `SELECT destination_ids::text[] AS destination_ids FROM deletions WHERE id = $1::bigint`,
      [id],
    )) as { destination_ids: string[] }[];
    return rows[0] ? { destinations: rows[0].destination_ids } : null;
  }
}
