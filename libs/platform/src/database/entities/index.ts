import { DestinationEntity } from './destination.entity';
import { MappingEntity } from './mapping.entity';
import { SourceEntity } from './source.entity';

export * from './destination.entity';
export * from './mapping.entity';
export * from './source.entity';

/**
 * The configuration tables, the only ones read and written through TypeORM repositories (the admin API). The
 * event log, deliveries, attempts and state changes are written in SQL (their schema is in the migrations).
 */
export const ALL_ENTITIES = [SourceEntity, DestinationEntity, MappingEntity];
