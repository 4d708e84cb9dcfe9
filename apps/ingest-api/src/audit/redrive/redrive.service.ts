import { Injectable, Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { DeliveryJobData, deliveryJobId, deliveryJobPriority } from '@fsd/platform';
import { AppError } from '../../core/errors/app-error';
import { invalid } from '../../admin/common/admin-errors';
import { DeliveryEnqueuer } from '../../ingest/outbox/delivery-enqueuer.service';
import { QueueRegistry } from '../../core/queue/queue-registry.service';
import { checkRange } from '../query/audit.service';
import { redriveJobSuffix } from '../replay/replay-jobs';
import { RedriveDto } from './redrive.dto';
import { RedriveSelection } from './redrive-selection.repository';

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
    private readonly selection: RedriveSelection,
    private readonly queues: QueueRegistry,
    private readonly enqueuer: DeliveryEnqueuer,
  ) {}

  async redrive(dto: RedriveDto): Promise<{ dryRun: true; matched: number } | { redriven: number }> {
    const f = dto.filter ?? {};
    checkRange(f.from, f.to);
    if (!(await this.selection.destinationExists(dto.destinationId))) {
      throw invalid('unknown_destination', `Unknown destinationId: ${dto.destinationId}`, [
        `destinationId: ${dto.destinationId} does not exist`,
      ]);
    }
    if (dto.dryRun) return { dryRun: true, matched: await this.selection.count(dto.destinationId, f) };
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
      const keys = await this.selection.keysAfter(dto.destinationId, f, after, PAGE);
      if (keys.length === 0) break;
      const missing: typeof keys = [];
      await Promise.all(
        keys.map(async (key) => {
          if (!(await this.retryFailedJob(queue.getJob(deliveryJobId(key.id))))) missing.push(key);
        }),
      );
      if (missing.length > 0) {
        await this.enqueuer.enqueue(
          missing.map((key) => ({
            deliveryId: key.id,
            loggedAt: key.loggedAt,
            destinationId: dto.destinationId,
            jobIdSuffix: redriveJobSuffix(at),
          })),
          { trigger: 'redrive' },
        );
      }
      redriven += keys.length;
      after = keys[keys.length - 1].id;
      if (keys.length < PAGE) break;
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
