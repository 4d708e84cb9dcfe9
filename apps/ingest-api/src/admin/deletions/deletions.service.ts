import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { createDeletionDeliveries } from '@fsd/delivery-data';
import { badRequest, notFound } from '../../core/errors/app-error';
import { DeliveryEnqueuer } from '../../ingest/outbox/delivery-enqueuer.service';
import { invalid } from '../common/admin-errors';
import { CreateDeletionDto } from './deletion.dto';
import {
  DeletionStatus,
  DestinationDeletionCounts,
  deletionStatus,
  destinationStatus,
  requestedUsers,
} from './deletion-status';
import { ErasureRunner } from './erasure-runner.service';
import { messageOf } from '../../core/errors/message-of';

/** The token's limits (null: not limited in that dimension). */
export interface DeletionScope {
  sourceIds: string[] | null;
  destinationIds: string[] | null;
}

export interface DeletionAccepted {
  id: string;
  status: DeletionStatus;
  users: number;
  /** The FullStory deletions (one delivery per destination and user). */
  deletionIds: string[];
  destinations: number;
}

interface DeletionRow {
  id: string;
  status: DeletionStatus;
  user_count: number;
  erased_events: string;
  erased_attempts: string;
  erased_rejected_events: string;
  error: string | null;
  created_at: Date;
  finished_at: Date | null;
}

const COLUMNS = `id::text AS id, status, user_count, erased_events, erased_attempts, erased_rejected_events, error,
                 created_at, finished_at`;

/**
 * GDPR user deletion. A request is one `deletions` row that drives two things: one `deletion`
 * delivery per target destination and user (committed first and then enqueued; the delivery worker
 * sends FullStory's DELETE /v2/users, and the outbox relay enqueues them later if Redis is down),
 * and the local erasure of the users' stored data, run by ErasureRunner.
 */
@Injectable()
export class DeletionsService {
  private readonly logger = new Logger('AdminDeletions');

  constructor(
    private readonly dataSource: DataSource,
    private readonly enqueuer: DeliveryEnqueuer,
    private readonly runner: ErasureRunner,
  ) {}

  async create(dto: CreateDeletionDto): Promise<DeletionAccepted> {
    const users = requestedUsers(dto);
    if (users.length === 0) throw badRequest('invalid_request', 'userId is required');
    const requested = dto.destinationIds ? [...new Set(dto.destinationIds.map((d) => d.toLowerCase()))] : undefined;
    const { id, rows } = await this.dataSource.transaction(async (em) => {
      const destinations = await this.targets(em, requested);
      const [{ id }] = (await em.query(
        `INSERT INTO deletions (user_count, user_ids, destination_ids) VALUES ($1, $2, $3::uuid[]) RETURNING id::text AS id`,
        [users.length, users, destinations],
      )) as { id: string }[];
      if (destinations.length === 0) return { id, rows: [] };
      const rows = await createDeletionDeliveries(em, destinations, users, id);
      return { id, rows };
    });
    this.runner.kick(id);
    if (rows.length > 0) {
      try {
        await this.enqueuer.enqueue(rows.map((r) => ({ deliveryId: r.id, destinationId: r.destination_id })));
      } catch (e) {
        // Committed as pending: the outbox relay enqueues them once Redis is back.
        this.logger.warn(`deletion enqueue deferred to the outbox relay: ${messageOf(e)}`);
      }
    }
    const destinations = new Set(rows.map((r) => r.destination_id)).size;
    return { id, status: 'pending', users: users.length, deletionIds: rows.map((r) => r.id), destinations };
  }

  private async targets(em: EntityManager, requested: string[] | undefined): Promise<string[]> {
    const found: { id: string }[] = requested
      ? await em.query(
          'SELECT id::text AS id FROM destinations WHERE id = ANY($1::uuid[]) AND archived_at IS NULL ORDER BY created_at, id',
          [requested],
        )
      : await em.query('SELECT id::text AS id FROM destinations WHERE archived_at IS NULL ORDER BY created_at, id');
    if (requested) {
      const ids = new Set(found.map((d) => d.id));
      const missing = requested.filter((d) => !ids.has(d));
      if (missing.length > 0) {
        throw invalid(
          'unknown_destination',
          `Unknown destinationIds: ${missing.join(', ')}`,
          missing.map((m) => `destinationIds: ${m} does not exist`),
        );
      }
    }
    return found.map((d) => d.id);
  }

  async get(id: string) {
    if (!/^[0-9]{1,18}$/.test(id)) throw notFound(`No deletion ${id}`);
    const [row] = (await this.dataSource.query(`SELECT ${COLUMNS} FROM deletions WHERE id = $1::bigint`, [
      id,
    ])) as DeletionRow[];
    if (!row) throw notFound(`No deletion ${id}`);
    return (await this.views([row]))[0];
  }

  /**
   * Newest first; `before` pages on (the last page's smallest id). A scoped token sees only requests whose target
   * destinations (the request's own list, not its deliveries, which may not exist) are all inside its destinations,
   * and whose destinations' connected sources are all inside its sources: ScopeLookup's rule for one deletion,
   * filtered here so that pages stay full.
   */
  async list(before: string | undefined, scope: DeletionScope, limit = 50) {
    const cursor = before && /^[0-9]{1,18}$/.test(before) ? before : null;
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM deletions d
        WHERE ($1::bigint IS NULL OR id < $1::bigint)
          AND ($3::uuid[] IS NULL OR (cardinality(destination_ids) > 0 AND destination_ids <@ $3::uuid[]))
          AND ($4::uuid[] IS NULL OR (
                EXISTS (SELECT 1 FROM destination_sources ds WHERE ds.destination_id = ANY(d.destination_ids))
                AND NOT EXISTS (SELECT 1 FROM destination_sources ds
                                 WHERE ds.destination_id = ANY(d.destination_ids) AND ds.source_id <> ALL($4::uuid[]))))
        ORDER BY id DESC LIMIT $2`,
      [cursor, Math.min(Math.max(limit, 1), 200), scope.destinationIds, scope.sourceIds],
    )) as DeletionRow[];
    const deletions = await this.views(rows);
    return { deletions, next: rows.length === limit ? rows[rows.length - 1].id : null };
  }

  private async views(rows: DeletionRow[]) {
    const counts = (await this.dataSource.query(
      `SELECT deletion_id::text AS deletion_id, destination_id::text AS "destinationId", count(*)::int AS total,
              count(*) FILTER (WHERE status IN ('delivered', 'skipped'))::int AS done,
              count(*) FILTER (WHERE status = 'failed')::int AS failed
         FROM deliveries WHERE deletion_id = ANY($1::bigint[])
        GROUP BY deletion_id, destination_id ORDER BY destination_id`,
      [rows.map((r) => r.id)],
    )) as (DestinationDeletionCounts & { deletion_id: string })[];
    return rows.map((r) => {
      const mine = counts.filter((c) => c.deletion_id === r.id);
      return {
        id: r.id,
        status: deletionStatus(r.status, mine),
        users: r.user_count,
        createdAt: r.created_at.toISOString(),
        finishedAt: r.finished_at?.toISOString() ?? null,
        erasure: { status: r.status, error: r.error },
        destinations: mine.map((c) => ({
          destinationId: c.destinationId,
          status: destinationStatus(c),
          users: c.total,
          deleted: c.done,
          failed: c.failed,
        })),
        erased: {
          events: Number(r.erased_events),
          attempts: Number(r.erased_attempts),
          rejectedEvents: Number(r.erased_rejected_events),
        },
      };
    });
  }
}
