import { DataSource, DataSourceOptions } from 'typeorm';
import { ResilientClient } from './resilient-client';
import { ALL_ENTITIES } from './entities';
import { InitialSchema1764300000000 } from './migrations/1764300000000-InitialSchema';
import { AuditReplay1764400000000 } from './migrations/1764400000000-AuditReplay';
import { DeliveryClaims1764530000000 } from './migrations/1764530000000-DeliveryClaims';
import { Erasure1764550000000 } from './migrations/1764550000000-Erasure';
import { ArchiveConfig1764560000000 } from './migrations/1764560000000-ArchiveConfig';
import { DeletedUserLookup1764570000000 } from './migrations/1764570000000-DeletedUserLookup';
import { AdminTokens1764580000000 } from './migrations/1764580000000-AdminTokens';
import { AdminAuditLog1764581000000 } from './migrations/1764581000000-AdminAuditLog';
import { WriteKeyOverlap1764583000000 } from './migrations/1764583000000-WriteKeyOverlap';
import { BatchReplay1764590000000 } from './migrations/1764590000000-BatchReplay';
import { ReplaySlices1764600000000 } from './migrations/1764600000000-ReplaySlices';
import { DeliveryFunnel1764610000000 } from './migrations/1764610000000-DeliveryFunnel';
import { ErasedDeletionUsers1764620000000 } from './migrations/1764620000000-ErasedDeletionUsers';
import { Retention1764700000000 } from './migrations/1764700000000-Retention';
import { AdminAuditLogPartitions1764720000000 } from './migrations/1764720000000-AdminAuditLogPartitions';
import { DeliveryRetryJob1764730000000 } from './migrations/1764730000000-DeliveryRetryJob';
import { OpenDeliveriesById1764800000000 } from './migrations/1764800000000-OpenDeliveriesById';
import { DeliveryUpdateLayout1764900000000 } from './migrations/1764900000000-DeliveryUpdateLayout';

export const MIGRATIONS = [
  InitialSchema1764300000000,
  AuditReplay1764400000000,
  DeliveryClaims1764530000000,
  Erasure1764550000000,
  ArchiveConfig1764560000000,
  DeletedUserLookup1764570000000,
  AdminTokens1764580000000,
  AdminAuditLog1764581000000,
  WriteKeyOverlap1764583000000,
  BatchReplay1764590000000,
  ReplaySlices1764600000000,
  DeliveryFunnel1764610000000,
  ErasedDeletionUsers1764620000000,
  Retention1764700000000,
  AdminAuditLogPartitions1764720000000,
  DeliveryRetryJob1764730000000,
  OpenDeliveriesById1764800000000,
  DeliveryUpdateLayout1764900000000,
];

export function dataSourceOptions(databaseUrl: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: ALL_ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    logging: false,
    // TypeORM hands `extra` to its pg pool: its checked-out clients must not crash the process either.
    extra: {
      max: poolSize,
      connectionTimeoutMillis: 5000,
      application_name: 'fullstory-destination',
      Client: ResilientClient,
    },
  };
}

export function createDataSource(databaseUrl: string, poolSize?: number): DataSource {
  return new DataSource(dataSourceOptions(databaseUrl, poolSize));
}
