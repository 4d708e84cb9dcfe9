import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { isCallType } from '@fsd/segment-spec';
import { deliveryQueueName } from '@fsd/platform';
import { registerGroupedDeliveriesGauge } from './grouped-deliveries-gauge';
import { INGEST_CONFIG, IngestConfig } from '../../core/config/ingest.config';
import { QueueRegistry } from '../../core/queue/queue-registry.service';
import { registerMaintenanceGauges } from './maintenance-gauges';
import { registerRetentionGauges } from './retention-gauges';
import { RetentionRepository } from '../../ingest/retention/retention.repository';
import { MetricsReads, ReplayProgressRow } from './metrics-reads.repository';
import { collectOrWarn, forEachDestination, scrapeRead, sharedWhileInFlight } from './scrape-reads';

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
const FINISHED = ['completed', 'failed', 'cancelled'];

/** A call type label bounded to the known types, so a client cannot blow up the label set. */
function typeLabel(type: unknown): string {
  return isCallType(type) ? type : 'invalid';
}

/**
 * An event counter by source and call type, kept in plain numbers on the hot path (one Map lookup
 * per call) and copied into its prom-client Counter only when scraped.
 */
class EventTally {
  private readonly counts = new Map<string, { source: string; type: string; n: number }>();

  constructor(name: string, help: string, registry: Registry) {
    const counter: Counter<'source' | 'type'> = new Counter({
      name,
      help,
      labelNames: ['source', 'type'],
      registers: [registry],
      collect: () => {
        counter.reset();
        for (const c of this.counts.values()) counter.inc({ source: c.source, type: c.type }, c.n);
      },
    });
  }

  add(source: string, type: unknown, n: number): void {
    if (!(n > 0)) return;
    const label = typeLabel(type);
    const key = `${source}\u0000${label}`;
    const count = this.counts.get(key);
    if (count) count.n += n;
    else this.counts.set(key, { source, type: label, n });
  }
}

/**
 * Prometheus metrics of ingest-api, served unauthenticated at GET /metrics (like /health: scrape it
 * from the internal network; put it behind the proxy's access rules if the port is public). Counts
 * carry source ids and call types only, never write keys or payloads.
 */
@Injectable()
export class IngestMetrics {
  private readonly logger = new Logger(IngestMetrics.name);
  /** One read per scrape, shared by the gauges that collect at once. */
  private readonly replaySnapshot = sharedWhileInFlight(() => this.readReplays());
  private readonly destinationIds = sharedWhileInFlight(() => this.reads.destinationIds());
  readonly registry = new Registry();
  private readonly events = {
    received: this.counter('fsd_ingest_events_received_total', 'Messages received, by source and call type'),
    accepted: this.counter('fsd_ingest_events_accepted_total', 'Messages stored in the event log'),
    rejected: this.counter('fsd_ingest_events_rejected_total', 'Messages refused as invalid'),
    duplicate: this.counter(
      'fsd_ingest_events_duplicate_total',
      'Messages acknowledged but not stored again (source + messageId already in the log)',
    ),
  };
  private readonly requestDuration = new Histogram({
    name: 'fsd_ingest_http_request_duration_seconds',
    help: 'HTTP request latency, by method, route template and status code',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor(
    private readonly reads: MetricsReads,
    private readonly queues: QueueRegistry,
    retention: RetentionRepository,
    @Optional() @Inject(INGEST_CONFIG) config?: IngestConfig,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'fsd_ingest_' });
    const { destinationIds } = this;
    registerMaintenanceGauges(this.registry, {
      reads,
      destinationIds,
      queues,
      dedupWindowDays: config?.dedupWindowDays ?? 30,
    });
    registerRetentionGauges(this.registry, () => retention.stats());
    if (config)
      registerGroupedDeliveriesGauge(this.registry, { destinationIds, queues, queuePrefix: config.queuePrefix });
    const depths: Gauge<'destination' | 'state'> = new Gauge({
      name: 'fsd_queue_jobs',
      help: 'Jobs in each destination queue by state, read from Redis at scrape time',
      labelNames: ['destination', 'state'],
      registers: [this.registry],
      collect: () => this.collectQueueDepths(depths),
    });
    const paused: Gauge<'destination'> = new Gauge({
      name: 'fsd_destination_paused',
      help: 'Whether a destination is paused (1) by POST /admin/destinations/:id/pause, or not (0)',
      labelNames: ['destination'],
      registers: [this.registry],
      collect: () => this.collectPaused(paused),
    });
    // The registry collects metrics concurrently: both replay gauges share one query per scrape.
    const replays: Gauge<'status'> = new Gauge({
      name: 'fsd_replays',
      help: 'Replays by status (when the replays table exists)',
      labelNames: ['status'],
      registers: [this.registry],
      collect: async () => {
        replays.reset();
        for (const r of await this.replaySnapshot()) replays.inc({ status: r.status });
      },
    });
    const progress: Gauge<'replay' | 'status' | 'kind'> = new Gauge({
      name: 'fsd_replay_progress',
      help: 'Deliveries matched and enqueued so far by each replay that is not finished',
      labelNames: ['replay', 'status', 'kind'],
      registers: [this.registry],
      collect: async () => {
        progress.reset();
        for (const r of await this.replaySnapshot()) {
          if (FINISHED.includes(r.status)) continue;
          progress.set({ replay: r.id, status: r.status, kind: 'matched' }, Number(r.matched ?? 0));
          progress.set({ replay: r.id, status: r.status, kind: 'enqueued' }, Number(r.enqueued ?? 0));
        }
      },
    });
    const lastProgress: Gauge<'replay' | 'status'> = new Gauge({
      name: 'fsd_replay_last_progress_timestamp_seconds',
      help: 'When each replay that is not finished last moved (its row is updated after every page)',
      labelNames: ['replay', 'status'],
      registers: [this.registry],
      collect: async () => {
        lastProgress.reset();
        for (const r of await this.replaySnapshot()) {
          if (!FINISHED.includes(r.status)) lastProgress.set({ replay: r.id, status: r.status }, r.updated_epoch);
        }
      },
    });
  }

  received(sourceId: string, type: unknown, n = 1): void {
    this.events.received.add(sourceId, type, n);
  }

  accepted(sourceId: string, type: unknown, n = 1): void {
    this.events.accepted.add(sourceId, type, n);
  }

  rejected(sourceId: string, type: unknown, n = 1): void {
    this.events.rejected.add(sourceId, type, n);
  }

  duplicate(sourceId: string, type: unknown, n = 1): void {
    this.events.duplicate.add(sourceId, type, n);
  }

  /** The tracking API's memory limit (BodyBudget): the bytes of request bodies held now, the limit, the refusals. */
  watchBodyBudget(budget: { readonly bytesHeld: number; readonly limitBytes: number; readonly refused: number }): void {
    const registers = [this.registry];
    new Gauge({
      name: 'fsd_ingest_request_body_bytes_held',
      help: 'Bytes of tracking-API request bodies held now (each charged what it may hold, from its headers)',
      registers,
      collect() {
        this.set(budget.bytesHeld);
      },
    });
    new Gauge({
      name: 'fsd_ingest_request_body_bytes_limit',
      help: 'INGEST_MAX_BODY_BYTES_IN_FLIGHT: past it, tracking requests are answered 503 overloaded',
      registers,
      collect() {
        this.set(budget.limitBytes);
      },
    });
    const refused: Counter = new Counter({
      name: 'fsd_ingest_requests_overloaded_total',
      help: 'Tracking requests answered 503 overloaded (their bodies would have passed the limit)',
      registers,
      collect: () => {
        refused.reset();
        refused.inc(budget.refused);
      },
    });
  }

  /** Times every request (unmatched routes under one label). Call before the app starts listening. */
  instrument(fastify: FastifyInstance): void {
    const started = new WeakMap<object, bigint>();
    fastify.addHook('onRequest', (req, _reply, done) => {
      started.set(req, process.hrtime.bigint());
      done();
    });
    fastify.addHook('onResponse', (req, reply, done) => {
      const start = started.get(req);
      if (start !== undefined) {
        const route = req.routeOptions.url ?? 'unmatched';
        this.requestDuration.observe(
          { method: req.method, route, status: String(reply.statusCode) },
          Number(process.hrtime.bigint() - start) / 1e9,
        );
      }
      done();
    });
  }

  private counter(name: string, help: string): EventTally {
    return new EventTally(name, help, this.registry);
  }

  private collectQueueDepths(gauge: Gauge<'destination' | 'state'>): Promise<void> {
    gauge.reset();
    return collectOrWarn(this.logger, 'queue depths', () =>
      forEachDestination(
        this.destinationIds,
        (id) => this.queues.byName(deliveryQueueName(id)).getJobCounts(...QUEUE_STATES),
        (id, counts) => {
          for (const state of QUEUE_STATES) gauge.set({ destination: id, state }, counts[state] ?? 0);
        },
      ),
    );
  }

  private collectPaused(gauge: Gauge<'destination'>): Promise<void> {
    gauge.reset();
    return collectOrWarn(this.logger, 'paused destinations', async () => {
      for (const r of await scrapeRead(this.reads.pausedFlags())) gauge.set({ destination: r.id }, r.paused ? 1 : 0);
    });
  }

  private async readReplays(): Promise<ReplayProgressRow[]> {
    let rows: ReplayProgressRow[] = [];
    await collectOrWarn(this.logger, 'replay progress', async () => {
      rows = await scrapeRead(this.reads.replays());
    });
    return rows;
  }
}
