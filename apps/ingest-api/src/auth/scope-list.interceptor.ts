import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Observable, map } from 'rxjs';
import { isScoped, principalOf } from './principal';
import { ROUTE_RULE } from './require-permission.decorator';
import type { RouteRule } from './route-rule';
import { ownersInside } from './scope';

/** The string values at a dotted path, through arrays (`destinations.destinationId`). */
export function valuesAt(obj: unknown, path: string): string[] | undefined {
  let level: unknown[] = [obj];
  for (const part of path.split('.')) {
    const next: unknown[] = [];
    for (const v of level) {
      const child = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[part] : undefined;
      if (Array.isArray(child)) next.push(...child);
      else if (child !== undefined && child !== null) next.push(child);
    }
    level = next;
  }
  const strings = level.filter((v): v is string => typeof v === 'string');
  return strings.length > 0 ? strings : undefined;
}

/** A scoped token's list answers keep only the items inside its scope (rule.list). */
@Injectable()
export class ScopeListInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const rule = this.reflector.get<RouteRule | undefined>(ROUTE_RULE, context.getHandler());
    const principal = principalOf(context.switchToHttp().getRequest<object>());
    const list = rule?.list;
    if (!list || !principal || !isScoped(principal)) return next.handle();
    return next.handle().pipe(
      map((answer: unknown) => {
        const items = (answer as Record<string, unknown> | null)?.[list.key];
        if (!Array.isArray(items)) return answer;
        const kept = items.filter((item) =>
          ownersInside(principal, {
            sources: list.source ? valuesAt(item, list.source) : undefined,
            destinations: list.destination ? valuesAt(item, list.destination) : undefined,
          }),
        );
        return { ...(answer as object), [list.key]: kept };
      }),
    );
  }
}
