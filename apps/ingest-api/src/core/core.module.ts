import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AllExceptionsFilter } from './errors/all-exceptions.filter';
import { INGEST_CONFIG, IngestConfig } from './config/ingest.config';
import { DatabaseProbe } from './database/database-probe';
import { PG_POOL, pgPoolProvider } from './database/pg-pool.provider';
import { READ_POOL, ReadPoolCloser, readPoolProvider } from './database/read-pool.provider';
import { typeOrmRoot } from './database/typeorm-root';
import { QueueRegistry } from './queue/queue-registry.service';

/**
 * What every feature uses, registered once and global: the validated configuration (INGEST_CONFIG), the hot
 * path's pg pool (PG_POOL), the read pool (READ_POOL), TypeORM's DataSource (the admin side), the queue
 * registry (the Redis connection and one BullMQ handle per queue) and the one error mapping (the exception filter).
 */
@Module({})
export class CoreModule {
  static register(config: IngestConfig): DynamicModule {
    return {
      module: CoreModule,
      global: true,
      imports: [typeOrmRoot(config.databaseUrl)],
      providers: [
        { provide: INGEST_CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        pgPoolProvider,
        readPoolProvider,
        ReadPoolCloser,
        QueueRegistry,
        DatabaseProbe,
      ],
      exports: [INGEST_CONFIG, PG_POOL, READ_POOL, QueueRegistry, DatabaseProbe],
    };
  }
}
