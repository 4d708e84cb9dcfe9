import { Injectable, Logger } from '@nestjs/common';
import { AppError, beforeRetention, notFound } from '../../core/errors/app-error';
import { RetentionService } from '../../ingest/retention/retention.service';
import { invalid } from '../../admin/common/admin-errors';
import { checkRange } from '../query/audit.service';
import { eventView } from '../common/audit.views';
import { unconnectedSources } from './replay-scope';
import { defaultReplayMode } from './replay-mode';
import { ReplayReadsRepository } from './replay-reads.repository';
import { ReplayProgressCache } from './replay-progress-cache';
import { ReplayRunner } from './replay-runner.service';
import { CreateReplayDto, DEFAULT_REPLAY_RATE, StoredReplayFilter } from './replay.dto';
import { ReplayRow, ReplayStatus } from './replay.store';
import { ReplaysRepository } from './replays.repository';

const conflict = (message: string) => new AppError(409, 'conflict', message);
/** Reads and writes of one pause, resume or cancel racing the runner's own status changes. */
const TRANSITION_ATTEMPTS = 3;

function replayView(r: ReplayRow) {
  return {
    id: r.id,
    destinationId: r.destination_id,
    filter: r.filter,
    ratePerSecond: r.rate_per_second,
    mode: r.mode,
    status: r.status,
    matched: r.matched === null ? null : Number(r.matched),
    enqueued: Number(r.enqueued),
    delivered: Number(r.delivered),
    failed: Number(r.failed),
    error: r.error,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    finishedAt: r.finished_at ? r.finished_at.toISOString() : null,
  };
}

/** Replays of the event log to a destination: dry runs, starting, progress, pause/resume/cancel. */
@Injectable()
export class ReplaysService {
  private readonly logger = new Logger('Replays');

  constructor(
    private readonly replays: ReplaysRepository,
    private readonly reads: ReplayReadsRepository,
    private readonly progress: ReplayProgressCache,
    private readonly runner: ReplayRunner,
    private readonly retention: RetentionService,
  ) {}

  async create(dto: CreateReplayDto) {
    checkRange(dto.filter.from, dto.filter.to);
    const earliestKept = await this.retention.earliestEventKept(new Date());
    if (Date.parse(dto.filter.from) < earliestKept.getTime()) throw beforeRetention(earliestKept);
    if (!(await this.reads.destinationExists(dto.destinationId))) {
      throw invalid('unknown_destination', `Unknown destinationId: ${dto.destinationId}`, [
        `destinationId: ${dto.destinationId} does not exist`,
      ]);
    }
    await this.checkSources(dto.destinationId, dto.filter.sourceIds);
    const filter: StoredReplayFilter = {
      from: dto.filter.from,
      to: dto.filter.to,
      ...(dto.filter.types ? { types: dto.filter.types } : {}),
      ...(dto.filter.eventNames ? { eventNames: dto.filter.eventNames } : {}),
      ...(dto.filter.userIds ? { userIds: dto.filter.userIds } : {}),
      ...(dto.filter.sourceIds ? { sourceIds: dto.filter.sourceIds.map((id) => id.toLowerCase()) } : {}),
      status: dto.filter.status ?? 'any',
    };
    if (dto.dryRun) {
      const [matched, sample] = await Promise.all([
        this.reads.countMatching(dto.destinationId, filter),
        this.reads.sampleMatching(dto.destinationId, filter, 10),
      ]);
      return { dryRun: true, destinationId: dto.destinationId, filter, matched, sample: sample.map(eventView) };
    }
    const mode = dto.mode ?? defaultReplayMode(await this.reads.subscribedActions(dto.destinationId));
    const row = await this.replays.create(dto.destinationId, filter, dto.ratePerSecond ?? DEFAULT_REPLAY_RATE, mode);
    this.runner.kick(row.id);
    return replayView(row);
  }

  /** A replay may narrow its sources, never widen them beyond those connected to its destination. */
  private async checkSources(destinationId: string, sourceIds: string[] | undefined): Promise<void> {
    if (sourceIds === undefined) return;
    const refused = unconnectedSources(sourceIds, await this.reads.connectedSourceIds(destinationId));
    if (refused.length > 0) {
      throw invalid(
        'source_not_connected',
        `A replay only sends events of sources connected to destination ${destinationId}`,
        refused.map((id) => `sourceIds: ${id} is not connected to destination ${destinationId}`),
      );
    }
  }

  async list(limit = 100) {
    return { replays: (await this.replays.list(limit)).map(replayView) };
  }

  /**
   * With progress counted from the replay's deliveries at `progressCountedAt` (a large replay's count is reused
   * briefly: ReplayProgressCache); the runner keeps the row's counts for the list.
   */
  async get(id: string) {
    const row = await this.load(id);
    const { progress, countedAt } = await this.progress.get(row);
    const batch = row.mode === 'batch' ? { batch: await this.reads.batchProgressOf(id) } : {};
    return { ...replayView(row), ...progress, progressCountedAt: countedAt.toISOString(), ...batch };
  }

  pause(id: string) {
    return this.transition(id, ['running'], 'paused');
  }

  async resume(id: string) {
    const view = await this.transition(id, ['paused', 'running'], 'running');
    this.runner.kick(id);
    return view;
  }

  async cancel(id: string) {
    const view = await this.transition(id, ['running', 'paused'], 'cancelled');
    void this.runner
      .purgeQueued({ id, destinationId: view.destinationId })
      .then((n) => n > 0 && this.logger.log(`replay ${id} cancelled: removed ${n} queued jobs`))
      .catch((e: Error) => this.logger.warn(`replay ${id}: could not remove queued jobs: ${e.message}`));
    return view;
  }

  /**
   * The runner may change the replay's status between the read and the write (a batch replay's walk ends the
   * moment a pause arrives): the transition is then decided again on the new status, a few times, before the
   * caller is told to try again.
   */
  private async transition(id: string, from: ReplayStatus[], to: ReplayStatus) {
    for (let attempt = 1; ; attempt++) {
      const current = await this.load(id);
      if (current.status === to) return replayView(current);
      // A batch replay has walked the log long before its FullStory jobs end: it can still be paused or cancelled.
      const allowed =
        to !== 'running' && (await this.batchStillSending(current)) ? [...from, 'completed' as const] : from;
      if (!allowed.includes(current.status)) {
        throw conflict(`Replay ${id} is ${current.status}; it cannot be ${to === 'running' ? 'resumed' : to}`);
      }
      const row = await this.replays.transition(id, allowed, to);
      if (row) return replayView(row);
      if (attempt === TRANSITION_ATTEMPTS) throw conflict(`Replay ${id} changed state meanwhile; try again`);
    }
  }

  private async batchStillSending(r: ReplayRow): Promise<boolean> {
    return r.mode === 'batch' && r.status === 'completed' && (await this.reads.progressOf(r)).inFlight > 0;
  }

  private async load(id: string): Promise<ReplayRow> {
    if (!/^\d{1,18}$/.test(id)) throw notFound(`No replay ${id}`);
    const row = await this.replays.find(id);
    if (!row) throw notFound(`No replay ${id}`);
    return row;
  }
}
