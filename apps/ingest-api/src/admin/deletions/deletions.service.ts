import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { badRequest } from '../../common/errors/app-error';
import { AdminContext } from '../common/admin-context.service';
import { invalid } from '../common/admin-errors';
import { CreateDeletionDto } from './deletion.dto';

export interface DeletionAccepted {
  deletionIds: string[];
  destinations: number;
}

/**
 * GDPR user deletion: one `deletion` delivery per target destination, committed first and then
 * enqueued; the delivery worker sends FullStory's DELETE /v2/users. If Redis is unavailable the
 * deliveries stay pending and the outbox relay enqueues them later.
 */
@Injectable()
export class DeletionsService {
  private readonly logger = new Logger('AdminDeletions');

  constructor(
    private readonly dataSource: DataSource,
    private readonly ctx: AdminContext,
  ) {}

  async create(dto: CreateDeletionDto): Promise<DeletionAccepted> {
    const userId = dto.userId;
    if (userId === undefined || userId === null || userId.trim() === '') {
      throw badRequest('invalid_request', 'userId is required');
    }
    const requested = dto.destinationIds ? [...new Set(dto.destinationIds.map((d) => d.toLowerCase()))] : undefined;
    const rows = await this.dataSource.transaction(async (em) => {
      const destinations: { id: string }[] = requested
        ? await em.query('SELECT id::text AS id FROM destinations WHERE id = ANY($1::uuid[]) ORDER BY created_at, id', [
            requested,
          ])
        : await em.query('SELECT id::text AS id FROM destinations ORDER BY created_at, id');
      if (requested) {
        const found = new Set(destinations.map((d) => d.id));
        const missing = requested.filter((d) => !found.has(d));
        if (missing.length > 0) {
          throw invalid(
            'unknown_destination',
            `Unknown destinationIds: ${missing.join(', ')}`,
            missing.map((m) => `destinationIds: ${m} does not exist`),
          );
        }
      }
      if (destinations.length === 0) return [];
      return (await em.query(
        `INSERT INTO deliveries (event_id, event_received_at, destination_id, kind, status, deletion_user_id)
         SELECT NULL, NULL, d, 'deletion', 'pending', $2 FROM unnest($1::uuid[]) AS d
         RETURNING id::text AS id, destination_id::text AS destination_id`,
        [destinations.map((d) => d.id), userId],
      )) as { id: string; destination_id: string }[];
    });
    if (rows.length > 0) {
      try {
        await this.ctx.enqueuer.enqueue(rows.map((r) => ({ deliveryId: r.id, destinationId: r.destination_id })));
      } catch (e) {
        // Committed as pending: the outbox relay enqueues them once Redis is back.
        this.logger.warn(`deletion enqueue deferred to the outbox relay: ${(e as Error).message}`);
      }
    }
    return { deletionIds: rows.map((r) => r.id), destinations: rows.length };
  }
}
