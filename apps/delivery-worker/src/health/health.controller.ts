import { Controller, Get, Header, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckError, HealthCheckService, HealthIndicatorResult } from '@nestjs/terminus';
import type Redis from 'ioredis';
import { Pool } from 'pg';
import { PG_POOL } from '../database/pg-pool.provider';
import { DeliveryMetrics } from '../metrics/delivery-metrics.service';
import { REDIS_PROBE } from './redis-probe.provider';

/** GET /health (Postgres and Redis) and GET /metrics (Prometheus). */
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(REDIS_PROBE) private readonly redis: Redis,
    private readonly metrics: DeliveryMetrics,
  ) {}

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
    return this.metrics.registry.metrics();
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
      throw new HealthCheckError(`${name} is down`, { [name]: { status: 'down', message: (e as Error).message } });
    } finally {
      if (timer) clearTimeout(timer);
    }
  }
}
