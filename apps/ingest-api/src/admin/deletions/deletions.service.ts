import { Injectable, Logger } from '@nestjs/common';
import { badRequest, notFound } from '../../core/errors/app-error';
import { DeliveryEnqueuer } from '../../ingest/outbox/delivery-enqueuer.service';
import { invalid } from '../common/admin-errors';
import { CreateDeletionDto } from './deletion.dto';
import { DeletionStatus, deletionStatus, destinationStatus, requestedUsers } from './deletion-status';
import { DeletionRow, DeletionsRepository } from './deletions.repository';
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
    private readonly deletions: DeletionsRepository,
    private readonly enqueuer: DeliveryEnqueuer,
    private readonly runner: ErasureRunner,
  ) {}

  async create(dto: CreateDeletionDto): Promise<DeletionAccepted> {
    const users = requestedUsers(dto);
    if (users.length === 0) throw badRequest('invalid_request', 'userId is required');
    const requested = dto.destinationIds ? [...new Set(dto.destinationIds.map((d) => d.toLowerCase()))] : undefined;
    const created = await this.deletions.create(users, requested);
    if ('missing' in created) {
      throw invalid(
        'unknown_destination',
        `Unknown destinationIds: ${created.missing.join(', ')}`,
        created.missing.map((m) => `destinationIds: ${m} does not exist`),
      );
    }
    const { id, rows } = created;
    this.runner.kick(id);
    if (rows.length > 0) {
      try {
        await this.enqueuer.enqueue(
          rows.map((r) => ({ deliveryId: r.id, loggedAt: r.logged_at, destinationId: r.destination_id })),
        );
      } catch (e) {
        // Committed as pending: the outbox relay enqueues them once Redis is back.
        this.logger.warn(`deletion enqueue deferred to the outbox relay: ${messageOf(e)}`);
      }
    }
    const destinations = new Set(rows.map((r) => r.destination_id)).size;
    return { id, status: 'pending', users: users.length, deletionIds: rows.map((r) => r.id), destinations };
  }

  async get(id: string) {
    if (!/^[0-9]{1,18}$/.test(id)) throw notFound(`No deletion ${id}`);
    const row = await this.deletions.find(id);
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
    const rows = await this.deletions.list(cursor, Math.min(Math.max(limit, 1), 200), scope);
    const deletions = await this.views(rows);
    return { deletions, next: rows.length === limit ? rows[rows.length - 1].id : null };
  }

  private async views(rows: DeletionRow[]) {
    const counts = await this.deletions.deliveryCounts(rows.map((r) => r.id));
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
