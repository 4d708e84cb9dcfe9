import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ReplayRunner } from './replay-runner.service';
import { ReplaysController } from './replays.controller';
import { ReplaysService } from './replays.service';

/** POST /admin/replays and friends: replays of the event log, run in the background by ReplayRunner. */
@Module({
  imports: [AuditModule],
  controllers: [ReplaysController],
  providers: [ReplayRunner, ReplaysService],
})
export class ReplayModule {}
