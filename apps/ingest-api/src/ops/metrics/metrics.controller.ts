import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CachedValue } from '@fsd/platform';
import { INGEST_CONFIG, IngestConfig } from '../../core/config/ingest.config';
import { IngestMetrics } from './ingest-metrics.service';

/** GET /metrics: Prometheus text, unauthenticated (see IngestMetrics). */
@ApiTags('operations')
@Controller()
export class MetricsController {
  private readonly cached: CachedValue<string>;

  constructor(@Inject(INGEST_CONFIG) config: IngestConfig, metrics: IngestMetrics) {
    this.cached = new CachedValue(config.metricsCacheMs, () => metrics.registry.metrics());
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Prometheus metrics, at most 5 s old (unauthenticated; scrape from the internal network)' })
  @ApiProduces('text/plain')
  text(): Promise<string> {
    return this.cached.get();
  }
}
