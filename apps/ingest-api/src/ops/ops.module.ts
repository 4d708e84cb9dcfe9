import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AdminModule } from '../admin/admin.module';
import { AuthModule } from '../auth/auth.module';
import { QueueDashboard } from './dashboard/queue-dashboard.service';
import { HealthController } from './health/health.controller';
import { RedriveModule } from '../audit/redrive/redrive.module';
import { ReplayModule } from '../audit/replay/replay.module';
import { OpsQueries } from './ui/ops-queries.repository';
import { OpsUiController } from './ui/ops-ui.controller';
import { RejectedUiController } from './ui/rejected-ui.controller';

/**
 * Operations: the /admin/ui page and its rejected-events page, the queue dashboard and GET /health. The page's
 * replay, redrive and pause call the admin API's own services (the same validation, answers and errors).
 */
@Module({
  imports: [
    TerminusModule.forRoot({ errorLogStyle: 'pretty', logger: false }),
    AuthModule,
    AdminModule,
    ReplayModule,
    RedriveModule,
  ],
  controllers: [OpsUiController, RejectedUiController, HealthController],
  providers: [QueueDashboard, OpsQueries],
})
export class OpsModule {}
