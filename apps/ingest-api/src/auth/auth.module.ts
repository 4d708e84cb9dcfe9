import { DynamicModule, Module } from '@nestjs/common';
import { AdminSessions } from './admin-sessions.service';
import { AdminTokensRepository } from './admin-tokens.repository';
import { LoginThrottle } from './login-throttle';
import { OpsUiGuard } from './ops-ui.guard';
import { RoleGuard } from './role.guard';
import { ScopeListInterceptor } from './scope-list.interceptor';
import { ScopeLookup } from './scope-lookup.service';
import { ScopeTargetsRepository } from './scope-targets.repository';
import { AUTH_SETTINGS, AuthSettings, TokenResolver } from './token-resolver.service';

/**
 * Who is calling and what they may do: role tokens and the bootstrap ADMIN_TOKEN, the role guard and scope checks,
 * the operations page's sessions (kept in Redis) and guard, and the one login throttle shared by the operations
 * page and the queue dashboard. Global because every admin controller (admin, audit, replay, redrive, ops) carries
 * the same guard: each would otherwise import this module for it.
 */
@Module({})
export class AuthModule {
  static register(settings: AuthSettings): DynamicModule {
    const providers = [
      AdminTokensRepository,
      TokenResolver,
      ScopeTargetsRepository,
      ScopeLookup,
      RoleGuard,
      ScopeListInterceptor,
      AdminSessions,
      LoginThrottle,
      OpsUiGuard,
    ];
    return {
      module: AuthModule,
      global: true,
      providers: [{ provide: AUTH_SETTINGS, useValue: settings }, ...providers],
      exports: providers,
    };
  }
}
