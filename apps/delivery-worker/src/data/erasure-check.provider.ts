import type { Provider } from '@nestjs/common';
import type { Pool } from 'pg';
import { ErasureCheck } from '@fsd/delivery-data';
import { PG_POOL } from './pg-pool.provider';

/** The deleted-user and suppression checks on the worker's pool (one statement per tick for both). */
export const erasureCheckProvider: Provider = {
  provide: ErasureCheck,
  inject: [PG_POOL],
  useFactory: (pool: Pool) => new ErasureCheck(pool),
};
