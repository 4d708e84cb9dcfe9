import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AdminModule } from '../admin/admin.module';
import { QueueDashboard } from './dashboard/queue-dashboard.service';
import { MetricsModule } from './metrics/metrics.module';
import { HealthController } from './health/health.controller';
import { ConfigQueries } from './ui/config-queries.repository';
import { OpsQueries } from './ui/ops-queries.repository';
import { ConfigApiController } from './ui/config-api.controller';
import { ConfigUiController } from './ui/config-ui.controller';
import { OpsUiController } from './ui/ops-ui.controller';
import { RejectedUiController } from './ui/rejected-ui.controller';
import { FunnelUiController } from './ui/funnel-ui.controller';

/**
 * Operations: the /admin/ui page, its rejected-events, delivery funnel and configuration pages, the queue dashboard and GET /health.
 * The pages' replay, redrive and configuration changes go through the admin API in-process as the logged-in user
 * (role, scope and the admin audit log applied in one place); pause and resume call the admin API's service.
 * The dashboard finds its queues through the metrics module's reads.
 */
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'pretty', logger: false }), AdminModule, MetricsModule],
  controllers: [
    OpsUiController,
    RejectedUiController,
    FunnelUiController,
    ConfigUiController,
    ConfigApiController,
    HealthController,
  ],
  providers: [QueueDashboard, OpsQueries, ConfigQueries],
})
export class OpsModule {}
