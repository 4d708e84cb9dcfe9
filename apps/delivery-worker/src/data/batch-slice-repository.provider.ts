import type { Provider } from '@nestjs/common';
import type { Pool } from 'pg';
import { BatchSliceRepository } from '@fsd/delivery-data';
import { PG_POOL } from './pg-pool.provider';

/** The shared library's batch slice repository on the worker's pool (deliveries have one writer: the library). */
export const batchSliceRepositoryProvider: Provider = {
  provide: BatchSliceRepository,
  inject: [PG_POOL],
  useFactory: (pool: Pool) => new BatchSliceRepository(pool),
};
