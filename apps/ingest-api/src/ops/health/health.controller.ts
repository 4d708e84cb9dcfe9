import { Controller, Get, Logger } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorResult } from '@nestjs/terminus';
import { DatabaseProbe } from '../../core/database/database-probe';
import { QueueRegistry } from '../../core/queue/queue-registry.service';
import { messageOf } from '../../core/errors/message-of';

async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/**
 * GET /health: 200 when Postgres and Redis answer, 503 (JSON) otherwise. It is unauthenticated: a failure
 * says "down" and nothing of the driver's text (host names, users, versions); the log has the reason.
 */
@Controller('health')
export class HealthController {
  private readonly logger = new Logger('Health');

  constructor(
    private readonly health: HealthCheckService,
    private readonly database: DatabaseProbe,
    private readonly queues: QueueRegistry,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.probe('postgres', () => this.database.ping()),
      () => this.probe('redis', () => this.queues.connection.ping()),
    ]);
  }

  private async probe(name: string, fn: () => Promise<unknown>): Promise<HealthIndicatorResult> {
    try {
      await within(2000, fn());
      return { [name]: { status: 'up' } };
    } catch (e) {
      const { HealthCheckError } = await import('@nestjs/terminus');
      this.logger.warn(`${name} is down: ${messageOf(e)}`);
      throw new HealthCheckError(`${name} is down`, { [name]: { status: 'down' } });
    }
  }
}
