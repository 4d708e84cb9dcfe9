import { Injectable, Logger } from '@nestjs/common';
import { Queue, UnrecoverableError } from 'bullmq';
import {
  DEFAULT_JOB_OPTIONS,
  DELIVERY_JOB_NAME,
  DeliveryGroupJobData,
  DeliveryGroupMember,
  completedJobRetention,
  deliveryGroupIndexKey,
  deliveryJobPriority,
  messageOf,
} from '@fsd/platform';
import { DeliveryProcessor, DropTimer, ProcessOutcome } from './delivery.processor';
import { DeliveryPermit, DeliveryPermits } from './delivery-permits';
import { HandOff, MemberResult, handOffJobData, handOffOf, memberJob } from './group-hand-off';
import { RetryableDeliveryError } from './delivery-errors';

/** What a group job needs of its destination's worker. */
export interface GroupJobContext {
  destinationId: string;
  queuePrefix: string;
  /** The destination's queue: hand-off jobs are added to it, and its connection clears the group index. */
  queue: Queue;
  permits: DeliveryPermits;
  /** A rate-limited destination's deliveries each take their own job: BullMQ's limiter counts jobs. */
  rateLimited: boolean;
  dropTimer: DropTimer;
  /** The destination's throttle after a member's outcome (AIMD, and the queue's pause for Retry-After). */
  afterOutcome: (outcome: ProcessOutcome) => Promise<void>;
  /** Until when FullStory asked this destination to wait (epoch ms; 0 or past: no pause). */
  pausedUntil: () => number;
  /** The worker is shutting down: members not started yet go to their own jobs, for another worker or the next start. */
  closing: () => boolean;
}

/** A member to hand over to its own job, and whether its run recorded an outcome (group-hand-off.ts). */
type MemberHandOff = [DeliveryGroupMember, HandOff, boolean];

/**
 * Runs a group job (libs/platform delivery-group.ts): each member as its own job would run (`d<id>`, or a replay's
 * `d<id>-r<replayId>`), in chunks that fit the destination's concurrency (a chunk starts in one tick, so its
 * statements are shared). Members that do not settle are handed over to their own job (group-hand-off.ts); the group
 * index entries go last, once every member is settled or has a job of its own.
 */
@Injectable()
export class DeliveryGroupRunner {
  private readonly logger = new Logger(DeliveryGroupRunner.name);

  constructor(private readonly processor: DeliveryProcessor) {}

  async run(data: DeliveryGroupJobData, ctx: GroupJobContext): Promise<string> {
    const handOffs: MemberHandOff[] = ctx.rateLimited
      ? data.group.map((m) => [m, { delayMs: 0 }, false])
      : await this.runMembers(data, ctx);
    await this.handOver(handOffs, data, ctx.queue);
    const client = await ctx.queue.client;
    await client.hdel(
      deliveryGroupIndexKey(ctx.queuePrefix, ctx.destinationId),
      ...data.group.map((m) => m.deliveryId),
    );
    return `${data.group.length} in the group, ${handOffs.length} handed over to their own jobs`;
  }

  private async runMembers(data: DeliveryGroupJobData, ctx: GroupJobContext): Promise<MemberHandOff[]> {
    const members = data.group;
    const runs: Promise<[DeliveryGroupMember, HandOff | null, boolean]>[] = [];
    for (let i = 0; i < members.length;) {
      const chunk = members.slice(i, i + ctx.permits.capacity);
      await ctx.permits.acquire(chunk.length);
      // FullStory asked this destination to wait, or the worker is stopping: the members not started yet go to
      // their own jobs (delayed as long as the pause).
      const pauseLeft = ctx.pausedUntil() - Date.now();
      if (pauseLeft > 0 || ctx.closing()) {
        ctx.permits.release(chunk.length);
        const handOff = { delayMs: Math.max(0, pauseLeft) };
        for (const member of members.slice(i)) runs.push(Promise.resolve([member, handOff, false]));
        break;
      }
      i += chunk.length;
      for (const member of chunk) {
        const permit = ctx.permits.hold();
        const run = this.runMember(member, data, ctx, permit).finally(permit.release);
        runs.push(run.then(([handOff, recorded]) => [member, handOff, recorded]));
      }
    }
    return (await Promise.all(runs)).filter((r): r is MemberHandOff => r[1] !== null);
  }

  private async runMember(
    member: DeliveryGroupMember,
    data: DeliveryGroupJobData,
    ctx: GroupJobContext,
    permit: DeliveryPermit,
  ): Promise<[HandOff | null, boolean]> {
    const job = { ...memberJob(member, data), groupMember: true };
    let recorded = false;
    let result: MemberResult;
    try {
      const outcome = await this.processor.process(job, ctx.dropTimer, permit.requestsDone, () => {
        recorded = true;
      });
      await ctx.afterOutcome(outcome);
      result = { ok: true, outcome };
    } catch (error) {
      if (!(error instanceof RetryableDeliveryError || error instanceof UnrecoverableError)) {
        this.logger.warn(`delivery ${member.deliveryId} goes to its own job after: ${messageOf(error)}`);
      }
      result = { ok: false, error };
    }
    return [handOffOf(result), recorded];
  }

  /**
   * The members' own jobs, as one job per delivery has them (a no-op for a member whose job exists); a replay's run
   * below live traffic and stay an hour once complete, as the replay's jobs per delivery do.
   */
  private async handOver(handOffs: MemberHandOff[], group: DeliveryGroupJobData, queue: Queue): Promise<void> {
    if (handOffs.length === 0) return;
    const background =
      group.replayId === undefined ? {} : { ...deliveryJobPriority('replay'), ...completedJobRetention('replay') };
    await queue.addBulk(
      handOffs.map(([member, handOff, recorded]) => {
        const { jobId, data } = handOffJobData(member, group, handOff, recorded);
        return {
          name: DELIVERY_JOB_NAME,
          data,
          opts: {
            ...DEFAULT_JOB_OPTIONS,
            ...background,
            jobId,
            ...('delayMs' in handOff && handOff.delayMs > 0 ? { delay: handOff.delayMs } : {}),
          },
        };
      }),
    );
  }
}
