import { Module } from '@nestjs/common';
import { MetricsController } from '../metrics/metrics.controller';
import { OpsContext } from './ops-context.service';
import { LoginThrottle } from './login-throttle';
import { OpsUiController } from './ops-ui.controller';
import { OpsUiGuard } from './ops-ui.guard';
import { RejectedUiController } from './rejected-ui.controller';
import { ConfigApiController } from './config-api.controller';
import { ConfigUiController } from './config-ui.controller';

/**
 * Operations: the /admin/ui page, its rejected-events page and GET /metrics. The metrics registry and the queue dashboard are
 * root providers (TrackingService counts into the registry); they are reached through OpsContext.
 */
@Module({
  controllers: [OpsUiController, RejectedUiController, ConfigUiController, ConfigApiController, MetricsController],
  providers: [OpsContext, OpsUiGuard, LoginThrottle],
  // The queue dashboard (a root provider) counts wrong tokens against the same throttle.
  exports: [LoginThrottle],
})
export class OpsModule {}
