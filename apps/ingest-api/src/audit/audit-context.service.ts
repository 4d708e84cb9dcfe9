import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Pool } from 'pg';
import { INGEST_CONFIG, IngestConfig } from '../config/ingest.config';
import { DeliveryEnqueuer } from '../outbox/delivery-enqueuer.service';
import { QueueRegistry } from '../queue/queue-registry.service';

/**
 * What the audit, replay and redrive modules need from the root module (configuration, the queue
 * registry, the delivery enqueuer), looked up once through the module container, plus their own
 * small Postgres pool: long audit queries, exports and replay pages never take connections from the
 * tracking hot path's pool.
 */
@Injectable()
export class AuditContext implements OnApplicationShutdown {
  private cachedPool?: Pool;
  private cachedConfig?: IngestConfig;
  private cachedQueues?: QueueRegistry;
  private cachedEnqueuer?: DeliveryEnqueuer;

  constructor(private readonly moduleRef: ModuleRef) {}

  get config(): IngestConfig {
    return (this.cachedConfig ??= this.moduleRef.get<IngestConfig>(INGEST_CONFIG, { strict: false }));
  }

  get queues(): QueueRegistry {
    return (this.cachedQueues ??= this.moduleRef.get(QueueRegistry, { strict: false }));
  }

  get enqueuer(): DeliveryEnqueuer {
    return (this.cachedEnqueuer ??= this.moduleRef.get(DeliveryEnqueuer, { strict: false }));
  }

  get pool(): Pool {
    if (!this.cachedPool) {
      this.cachedPool = new Pool({
        connectionString: this.config.databaseUrl,
        max: 4,
        connectionTimeoutMillis: 5000,
        idleTimeoutMillis: 30000,
        application_name: 'ingest-api-audit',
      });
      this.cachedPool.on('error', () => undefined);
    }
    return this.cachedPool;
  }

  /** After every module has stopped (the replay runner stops in onModuleDestroy). */
  async onApplicationShutdown(): Promise<void> {
    await this.cachedPool?.end().catch(() => undefined);
  }
}
