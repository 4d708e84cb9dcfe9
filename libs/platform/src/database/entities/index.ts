import { DeliveryAttemptEntity } from './delivery-attempt.entity';
import { DeliveryStateChangeEntity } from './delivery-state-change.entity';
import { DeliveryEntity } from './delivery.entity';
import { DestinationEntity } from './destination.entity';
import { EventEntity } from './event.entity';
import { MappingEntity } from './mapping.entity';
import { RejectedEventEntity } from './rejected-event.entity';
import { SourceEntity } from './source.entity';

export * from './delivery-attempt.entity';
export * from './delivery-state-change.entity';
export * from './delivery.entity';
export * from './destination.entity';
export * from './event.entity';
export * from './mapping.entity';
export * from './rejected-event.entity';
export * from './source.entity';

export const ALL_ENTITIES = [
  SourceEntity,
  DestinationEntity,
  MappingEntity,
  EventEntity,
  RejectedEventEntity,
  DeliveryEntity,
  DeliveryStateChangeEntity,
  DeliveryAttemptEntity,
];
