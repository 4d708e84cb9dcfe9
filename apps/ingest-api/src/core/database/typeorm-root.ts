import { DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions } from '@fsd/platform';

/** TypeORM's DataSource (the admin side's configuration tables): a pool of 5, no retry loop at start. */
export function typeOrmRoot(databaseUrl: string): DynamicModule {
  return TypeOrmModule.forRoot({ ...dataSourceOptions(databaseUrl, 5), retryAttempts: 0 });
}
