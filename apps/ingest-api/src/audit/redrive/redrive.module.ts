import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module';
import { OutboxModule } from '../../ingest/outbox/outbox.module';
import { RedriveController } from './redrive.controller';
import { RedriveService } from './redrive.service';
import { RedriveSelection } from './redrive-selection.repository';

/** POST /admin/deliveries/redrive: bulk redrive of failed deliveries. Exports the service for the operations page. */
@Module({
  imports: [AuthModule, OutboxModule],
  controllers: [RedriveController],
  providers: [RedriveService, RedriveSelection],
  exports: [RedriveService],
})
export class RedriveModule {}
