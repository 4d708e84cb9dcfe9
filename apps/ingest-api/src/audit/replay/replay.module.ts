import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module';
import { OutboxModule } from '../../ingest/outbox/outbox.module';
import { RetentionModule } from '../../ingest/retention/retention.module';
import { ReplayRunner } from './replay-runner.service';
import { ReplaysController } from './replays.controller';
import { ReplaysService } from './replays.service';
import { SliceRecovery } from './slice-recovery.service';
import { ReplaySliceRepository } from './replay-slices.repository';
import { ReplayReadsRepository } from './replay-reads.repository';
import { ReplayProgressCache } from './replay-progress-cache';
import { ReplaysRepository } from './replays.repository';

/**
 * POST /admin/replays and friends: replays of the event log, run in the background by ReplayRunner (read pool,
 * the delivery enqueuer). Exports the service for the operations page.
 */
@Module({
  imports: [AuthModule, OutboxModule, RetentionModule],
  controllers: [ReplaysController],
  providers: [
    ReplaysRepository,
    ReplayReadsRepository,
    ReplayProgressCache,
    ReplayRunner,
    ReplaySliceRepository,
    SliceRecovery,
    ReplaysService,
  ],
  exports: [ReplaysService],
})
export class ReplayModule {}
