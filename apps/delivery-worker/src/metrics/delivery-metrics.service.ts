import { Inject, Injectable, OnModuleDestroy, Optional } from '@nestjs/common';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { WORKER_CONFIG, WorkerConfig } from '../config/worker.config';
import { DestinationRepository } from '../data/destination.repository';
import { QueueDepthCollector } from './queue-depth.collector';

/** The `code` label of a request's answer; null for a row that sent nothing (a skip, a mapping that failed validation). */
export function responseCode(row: { errorClass: string | null; responseStatus?: number | null }): string | null {
  if (typeof row.responseStatus === 'number') return String(row.responseStatus);
  return row.errorClass === 'timeout' || row.errorClass === 'network' ? row.errorClass : null;
}

/** Prometheus metrics of the worker, served at /metrics. */
@Injectable()
export class DeliveryMetrics implements OnModuleDestroy {
  readonly registry = new Registry();
  private readonly outcomes = new Counter({
    name: 'fsd_deliveries_total',
    help: 'Delivery attempts by destination, action and outcome',
    labelNames: ['destination', 'action', 'outcome'],
    registers: [this.registry],
  });
  private readonly responses = new Counter({
    name: 'fsd_fullstory_responses_total',
    help: 'Requests to FullStory by destination and answer: the HTTP status code, or timeout / network when none came',
    labelNames: ['destination', 'code'],
    registers: [this.registry],
  });
  private readonly retries = new Counter({
    name: 'fsd_delivery_retries_total',
    help: 'Deliveries scheduled for another attempt',
    labelNames: ['destination'],
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'fsd_attempt_latency_seconds',
    help: 'FullStory request latency per attempt',
    labelNames: ['destination', 'action'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly endToEnd = new Histogram({
    name: 'fsd_end_to_end_latency_seconds',
    help: 'From receipt by ingest to delivery at FullStory',
    labelNames: ['destination'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600],
    registers: [this.registry],
  });

  private readonly queueDepths?: QueueDepthCollector;

  /** Without the destinations and the config (a unit test), no queue depths are collected. */
  constructor(
    @Optional() destinations?: DestinationRepository,
    @Optional() @Inject(WORKER_CONFIG) config?: WorkerConfig,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'fsd_worker_' });
    if (destinations && config) {
      this.queueDepths = new QueueDepthCollector(this.registry, {
        destinationIds: () => destinations.ids(),
        redis: config,
        queuePrefix: config.queuePrefix,
      });
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.queueDepths?.close();
  }

  outcome(destination: string, action: string, outcome: string): void {
    this.outcomes.inc({ destination, action, outcome });
  }

  /** One count per audit row of a run that sent requests; a mapping that failed validation counts apart. */
  attempts(
    destination: string,
    rows: { action: string | null; errorClass: string | null; decision: string; responseStatus?: number | null }[],
  ): void {
    for (const row of rows) {
      const code = responseCode(row);
      if (code !== null) this.responses.inc({ destination, code });
      this.outcome(
        destination,
        row.action ?? 'none',
        row.errorClass === 'validation' ? 'failed_validation' : row.decision,
      );
    }
  }

  retry(destination: string): void {
    this.retries.inc({ destination });
  }

  attemptLatency(destination: string, action: string, ms: number): void {
    this.latency.observe({ destination, action }, ms / 1000);
  }

  delivered(destination: string, receivedAt: Date | null): void {
    if (receivedAt) this.endToEnd.observe({ destination }, Math.max(0, Date.now() - receivedAt.getTime()) / 1000);
  }
}
