import { Controller, Get, Header, Inject, Logger } from '@nestjs/common';
import { HealthCheck, HealthCheckError, HealthCheckService, HealthIndicatorResult } from '@nestjs/terminus';
import { CachedValue, RedisClient, messageOf } from '@fsd/platform';
import { WORKER_CONFIG, WorkerConfig } from '../config/worker.config';
import { DestinationRepository } from '../data/destination.repository';
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
    private readonly postgres: DestinationRepository,
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
      () => this.probe('postgres', () => this.postgres.ping()),
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
      this.logger.warn(`${name} is down: ${messageOf(e)}`);
      throw new HealthCheckError(`${name} is down`, { [name]: { status: 'down' } });
    } finally {
      if (timer) clearTimeout(timer);
    }
  }
}
