import { Injectable, Logger } from '@nestjs/common';
import { Queue, UnrecoverableError } from 'bullmq';
import {
  DEFAULT_JOB_OPTIONS,
  DELIVERY_JOB_NAME,
  DeliveryGroupJobData,
  DeliveryGroupMember,
  DeliveryJobData,
  deliveryGroupIndexKey,
  deliveryJobId,
  messageOf,
} from '@fsd/platform';
import { DeliveryProcessor, DropTimer, ProcessOutcome } from './delivery.processor';
import { DeliveryPermit, DeliveryPermits } from './delivery-permits';
import { HandOff, MemberResult, handOffOf } from './group-hand-off';
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

/**
 * Runs a group job (libs/platform delivery-group.ts): each member as its own job `d<id>` would run, in chunks that
 * fit the destination's concurrency (a chunk starts in one tick, so its statements are shared). Members that do not
 * settle are handed over to their own job (group-hand-off.ts); the group index entries go last, once every member is
 * settled or has a job of its own.
 */
@Injectable()
export class DeliveryGroupRunner {
  private readonly logger = new Logger(DeliveryGroupRunner.name);

  constructor(private readonly processor: DeliveryProcessor) {}

  async run(data: DeliveryGroupJobData, ctx: GroupJobContext): Promise<string> {
    const handOffs: [DeliveryGroupMember, HandOff][] = ctx.rateLimited
      ? data.group.map((m) => [m, { delayMs: 0 }])
      : await this.runMembers(data.group, ctx);
    await this.handOver(handOffs, ctx.queue);
    const client = await ctx.queue.client;
    await client.hdel(
      deliveryGroupIndexKey(ctx.queuePrefix, ctx.destinationId),
      ...data.group.map((m) => m.deliveryId),
    );
    return `${data.group.length} in the group, ${handOffs.length} handed over to their own jobs`;
  }

  private async runMembers(members: DeliveryGroupMember[], ctx: GroupJobContext) {
    const runs: Promise<[DeliveryGroupMember, HandOff | null]>[] = [];
    for (let i = 0; i < members.length;) {
      const chunk = members.slice(i, i + ctx.permits.capacity);
      await ctx.permits.acquire(chunk.length);
      // FullStory asked this destination to wait, or the worker is stopping: the members not started yet go to
      // their own jobs (delayed as long as the pause).
      const pauseLeft = ctx.pausedUntil() - Date.now();
      if (pauseLeft > 0 || ctx.closing()) {
        ctx.permits.release(chunk.length);
        const handOff = { delayMs: Math.max(0, pauseLeft) };
        for (const member of members.slice(i)) runs.push(Promise.resolve([member, handOff]));
        break;
      }
      i += chunk.length;
      for (const member of chunk) {
        const permit = ctx.permits.hold();
        const run = this.runMember(member, ctx, permit).finally(permit.release);
        runs.push(run.then((handOff) => [member, handOff]));
      }
    }
    return (await Promise.all(runs)).filter((r): r is [DeliveryGroupMember, HandOff] => r[1] !== null);
  }

  private async runMember(
    member: DeliveryGroupMember,
    ctx: GroupJobContext,
    permit: DeliveryPermit,
  ): Promise<HandOff | null> {
    const job = {
      id: deliveryJobId(member.deliveryId),
      attemptsMade: 0,
      data: memberJobData(member),
      groupMember: true,
    };
    let result: MemberResult;
    try {
      const outcome = await this.processor.process(job, ctx.dropTimer, permit.requestsDone);
      await ctx.afterOutcome(outcome);
      result = { ok: true, outcome };
    } catch (error) {
      if (!(error instanceof RetryableDeliveryError || error instanceof UnrecoverableError)) {
        this.logger.warn(`delivery ${member.deliveryId} goes to its own job after: ${messageOf(error)}`);
      }
      result = { ok: false, error };
    }
    return handOffOf(result);
  }

  /** The members' own jobs, as one job per delivery has them (a no-op for a member whose job exists). */
  private async handOver(handOffs: [DeliveryGroupMember, HandOff][], queue: Queue): Promise<void> {
    if (handOffs.length === 0) return;
    await queue.addBulk(
      handOffs.map(([member, handOff]) => ({
        name: DELIVERY_JOB_NAME,
        data:
          'failedReason' in handOff
            ? { ...memberJobData(member), failedReason: handOff.failedReason }
            : memberJobData(member),
        opts: {
          ...DEFAULT_JOB_OPTIONS,
          jobId: deliveryJobId(member.deliveryId),
          ...('delayMs' in handOff && handOff.delayMs > 0 ? { delay: handOff.delayMs } : {}),
        },
      })),
    );
  }
}

function memberJobData(member: DeliveryGroupMember): DeliveryJobData {
  return member.loggedAt === undefined
    ? { deliveryId: member.deliveryId, trigger: 'auto' }
    : { deliveryId: member.deliveryId, loggedAt: member.loggedAt, trigger: 'auto' };
}
