import type { Provider } from '@nestjs/common';
import type { Pool } from 'pg';
import { DeliveryRepository } from '@fsd/delivery-data';
import { WORKER_CONFIG, WorkerConfig } from '../config/worker.config';
import { PG_POOL } from './pg-pool.provider';

/** The shared delivery repository on the worker's pool; a claim's lease is the job lock (it outlasts the HTTP timeout). */
export const deliveryRepositoryProvider: Provider = {
  provide: DeliveryRepository,
  inject: [PG_POOL, WORKER_CONFIG],
  useFactory: (pool: Pool, config: WorkerConfig) => new DeliveryRepository(pool, config.lockDurationMs),
};
