import { Module } from '@nestjs/common';
import { IngestMetrics } from './ingest-metrics.service';
import { MetricsController } from './metrics.controller';
import { MetricsReads } from './metrics-reads.repository';
import { RetentionModule } from '../../ingest/retention/retention.module';

/** The Prometheus registry (tracking counts into it), GET /metrics, and the reads behind the gauges (also the dashboard's). */
@Module({
  imports: [RetentionModule],
  controllers: [MetricsController],
  providers: [IngestMetrics, MetricsReads],
  exports: [IngestMetrics, MetricsReads],
})
export class MetricsModule {}
