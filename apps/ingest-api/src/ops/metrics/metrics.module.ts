import { Module } from '@nestjs/common';
import { IngestMetrics } from './ingest-metrics.service';
import { MetricsController } from './metrics.controller';
import { MetricsReads } from './metrics-reads.repository';

/** The Prometheus registry (tracking counts into it), GET /metrics, and the reads behind the gauges (also the dashboard's). */
@Module({
  controllers: [MetricsController],
  providers: [IngestMetrics, MetricsReads],
  exports: [IngestMetrics, MetricsReads],
})
export class MetricsModule {}
