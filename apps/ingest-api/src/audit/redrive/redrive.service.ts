import { Inject, Injectable, Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { Pool } from 'pg';
import { DeliveryJobData, deliveryJobId, deliveryJobPriority } from '@fsd/platform';
import { AppError } from '../../core/errors/app-error';
import { invalid } from '../../admin/common/admin-errors';
import { READ_POOL } from '../../core/database/read-pool.provider';
import { DeliveryEnqueuer } from '../../ingest/outbox/delivery-enqueuer.service';
import { QueueRegistry } from '../../core/queue/queue-registry.service';
import { checkRange } from '../query/audit.service';
import { eventConditions } from '../common/event-filter';
import { SqlParams } from '../common/sql-params';
import { redriveJobSuffix } from '../replay/replay-jobs';
import { RedriveDto, RedriveFilterDto } from './redrive.dto';

const PAGE = 1000;

/**
 * Bulk redrive of failed deliveries: each one runs again as a new retry episode, audited with
 * trigger 'redrive' by the worker. The delivery's failed job is retried in place when BullMQ still
 * has it in the failed set; otherwise a new job `d<deliveryId>-rd<timestamp>` is added.
 */
@Injectable()
export class RedriveService {
  private readonly logger = new Logger(RedriveService.name);

  constructor(
    @Inject(READ_POOL) private readonly pool: Pool,
    private readonly queues: QueueRegistry,
    private readonly enqueuer: DeliveryEnqueuer,
  ) {}

  /** The failed deliveries the filter selects (`d`), with the events joined only when a filter needs them. */
  private selection(destinationId: string, f: RedriveFilterDto, p: SqlParams) {
    const where = [`d.destination_id = ${p.add(destinationId)}::uuid`, `d.status = 'failed'`];
    // Never a delivery of an erased (suppressed) user's event.
    where.push(
      `NOT EXISTS (SELECT 1 FROM events se JOIN suppressed_identities si ON si.identity_hash IN (se.user_id, se.anonymous_id)
                    WHERE se.id = d.event_id AND se.received_at = d.event_received_at)`,
    );
    if (f.from !== undefined) where.push(`d.event_received_at >= ${p.add(f.from)}::timestamptz`);
    if (f.to !== undefined) where.push(`d.event_received_at < ${p.add(f.to)}::timestamptz`);
    const needsEvents = f.types !== undefined || f.eventNames !== undefined || f.userIds !== undefined;
    if (needsEvents) {
      // The same bounds on e.received_at too, so only the partitions in range are searched.
      where.push(
        ...eventConditions({ from: f.from, to: f.to, types: f.types, eventNames: f.eventNames, userIds: f.userIds }, p),
      );
    }
    const from = needsEvents
      ? 'deliveries d JOIN events e ON e.id = d.event_id AND e.received_at = d.event_received_at'
      : 'deliveries d';
    return { from, where };
  }

  async redrive(dto: RedriveDto): Promise<{ dryRun: true; matched: number } | { redriven: number }> {
    const f = dto.filter ?? {};
    checkRange(f.from, f.to);
    const exists = await this.pool.query('SELECT 1 FROM destinations WHERE id = $1::uuid', [dto.destinationId]);
    if (exists.rowCount === 0) {
      throw invalid('unknown_destination', `Unknown destinationId: ${dto.destinationId}`, [
        `destinationId: ${dto.destinationId} does not exist`,
      ]);
    }
    if (dto.dryRun) {
      const p = new SqlParams();
      const s = this.selection(dto.destinationId, f, p);
      const { rows } = await this.pool.query<{ n: string }>(
        `SELECT count(*)::text AS n FROM ${s.from} WHERE ${s.where.join(' AND ')}`,
        p.values,
      );
      return { dryRun: true, matched: Number(rows[0].n) };
    }
    if (!this.queues.redisReady) {
      throw new AppError(503, 'queue_unavailable', 'The job queue (Redis) is unreachable; nothing was redriven', {
        'Retry-After': '5',
      });
    }
    const queue = this.queues.forDestination(dto.destinationId);
    const at = Date.now();
    let after = '0';
    let redriven = 0;
    for (;;) {
      const p = new SqlParams();
      const s = this.selection(dto.destinationId, f, p);
      const { rows } = await this.pool.query<{ id: string }>(
        `SELECT d.id::text AS id FROM ${s.from} WHERE ${s.where.join(' AND ')} AND d.id > ${p.add(after)}::bigint
          ORDER BY d.id LIMIT ${PAGE}`,
        p.values,
      );
      if (rows.length === 0) break;
      const missing: string[] = [];
      await Promise.all(
        rows.map(async ({ id }) => {
          if (!(await this.retryFailedJob(queue.getJob(deliveryJobId(id))))) missing.push(id);
        }),
      );
      if (missing.length > 0) {
        await this.enqueuer.enqueue(
          missing.map((deliveryId) => ({
            deliveryId,
            destinationId: dto.destinationId,
            jobIdSuffix: redriveJobSuffix(at),
          })),
          { trigger: 'redrive' },
        );
      }
      redriven += rows.length;
      after = rows[rows.length - 1].id;
      if (rows.length < PAGE) break;
    }
    return { redriven };
  }

  /** Moves the delivery's own job from the failed set back to waiting, marked as a redrive. */
  private async retryFailedJob(lookup: Promise<Job<DeliveryJobData> | undefined>): Promise<boolean> {
    const job = await lookup;
    if (!job || !(await job.isFailed())) return false;
    try {
      await job.updateData({ ...job.data, trigger: 'redrive' });
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    } catch {
      // It left the failed set meanwhile (another redrive, removed): add a new job instead.
      return false;
    }
    // BullMQ's retry puts the job back among the live ones; a redrive runs below live traffic (a no-op if a
    // worker has already taken it).
    await job.changePriority(deliveryJobPriority('redrive')).catch((e: Error) => {
      this.logger.warn(`redriven job ${job.id} keeps the live priority: ${e.message}`);
    });
    return true;
  }
}
