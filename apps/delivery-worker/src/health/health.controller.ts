import { Controller, Get, Header, Inject, Logger } from '@nestjs/common';
import { HealthCheck, HealthCheckError, HealthCheckService, HealthIndicatorResult } from '@nestjs/terminus';
import { Pool } from 'pg';
import { CachedValue, RedisClient } from '@fsd/platform';
import { WORKER_CONFIG, WorkerConfig } from '../config/worker.config';
import { PG_POOL } from '../database/pg-pool.provider';
import { DeliveryMetrics } from '../metrics/delivery-metrics.service';
import { REDIS_PROBE } from './redis-probe.provider';

/**
 * GET /health (Postgres and Redis; a failure says "down" without the driver's text, which goes to the log) and
 * GET /metrics (Prometheus, at most METRICS_CACHE_MS old: a scrape reads every destination's queue).
 */
@Controller()
export class HealthController {
  private readonly logger = new Logger('Health');
  private readonly metricsText$: CachedValue<string>;

  constructor(
    private readonly health: HealthCheckService,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(REDIS_PROBE) private readonly redis: RedisClient,
    private readonly metrics: DeliveryMetrics,
    @Inject(WORKER_CONFIG) config: WorkerConfig,
  ) {
    this.metricsText$ = new CachedValue(config.metricsCacheMs, () => this.metrics.registry.metrics());
  }

  @Get('health')
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.probe('postgres', () => this.pool.query('SELECT 1')),
      () => this.probe('redis', () => this.redis.ping()),
    ]);
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  metricsText(): Promise<string> {
    return this.metricsText$.get();
  }

  private async probe(name: string, fn: () => Promise<unknown>): Promise<HealthIndicatorResult> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        fn(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('no answer within 2000 ms')), 2000);
        }),
      ]);
      return { [name]: { status: 'up' } };
    } catch (e) {
      this.logger.warn(`${name} is down: ${(e as Error).message}`);
      throw new HealthCheckError(`${name} is down`, { [name]: { status: 'down' } });
    } finally {
      if (timer) clearTimeout(timer);
    }
  }
}
