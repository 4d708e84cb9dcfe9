import { Module } from '@nestjs/common';
import { DeliveryEnqueuer } from './delivery-enqueuer.service';
import { OutboxRelay } from './outbox-relay.service';
import { OpenDeliveriesRepository } from './open-deliveries.repository';

/**
 * From committed deliveries to BullMQ jobs: the post-commit enqueuer (used by tracking, replay, redrive and
 * deletions) and the relay that enqueues whatever a crash left pending.
 */
@Module({
  providers: [DeliveryEnqueuer, OpenDeliveriesRepository, OutboxRelay],
  exports: [DeliveryEnqueuer],
})
export class OutboxModule {}
