import { Module } from '@nestjs/common';
import { IngestMetrics } from './ingest-metrics.service';
import { MetricsController } from './metrics.controller';

/** The Prometheus registry (tracking counts into it) and GET /metrics. */
@Module({
  controllers: [MetricsController],
  providers: [IngestMetrics],
  exports: [IngestMetrics],
})
export class MetricsModule {}
