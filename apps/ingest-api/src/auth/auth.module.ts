import { Module } from '@nestjs/common';
import { AdminTokenGuard } from './admin-token.guard';
import { AdminSessions } from './admin-sessions.service';
import { LoginThrottle } from './login-throttle';
import { OpsUiGuard } from './ops-ui.guard';

/**
 * Who may use /admin: the admin API's Bearer token guard, the operations page's sessions (kept in Redis) and
 * guard, and the one login throttle shared by the operations page and the queue dashboard.
 */
@Module({
  providers: [AdminTokenGuard, AdminSessions, LoginThrottle, OpsUiGuard],
  exports: [AdminTokenGuard, AdminSessions, LoginThrottle, OpsUiGuard],
})
export class AuthModule {}
