import { Module } from '@nestjs/common';
import { RetentionRepository } from './retention.repository';
import { RetentionService } from './retention.service';

/** Retention of the time-partitioned tables: the job (run by the hourly maintenance), the replay bound, the gauges. */
@Module({
  providers: [RetentionRepository, RetentionService],
  exports: [RetentionService, RetentionRepository],
})
export class RetentionModule {}
