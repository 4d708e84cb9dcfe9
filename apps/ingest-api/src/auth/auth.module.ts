import { DynamicModule, Module } from '@nestjs/common';
import { AdminTokensRepository } from './admin-tokens.repository';
import { RoleGuard } from './role.guard';
import { ScopeListInterceptor } from './scope-list.interceptor';
import { ScopeLookup } from './scope-lookup.service';
import { AUTH_SETTINGS, AuthSettings, TokenResolver } from './token-resolver.service';

/**
 * Who is calling and what they may do, for every module with admin routes. Global because every admin controller
 * (admin, audit, replay, redrive, ops) carries the same guard: each would otherwise import this module for it.
 */
@Module({})
export class AuthModule {
  static register(settings: AuthSettings): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      providers: [
        { provide: AUTH_SETTINGS, useValue: settings },
        AdminTokensRepository,
        TokenResolver,
        ScopeLookup,
        RoleGuard,
        ScopeListInterceptor,
      ],
      exports: [AdminTokensRepository, TokenResolver, ScopeLookup, RoleGuard, ScopeListInterceptor],
    };
  }
}
