import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import {
  noRule,
  noToken,
  outsideScope,
  permissionDenied,
  scopeFilterRequired,
  scopeTooNarrow,
} from '../core/errors/auth-errors';
import { presentedToken } from './bearer-token';
import { Principal, attachPrincipal, isScoped, principalOf } from './principal';
import { ROUTE_RULE } from './require-permission.decorator';
import { allows, rolesWith } from './roles';
import { Dimension, RouteRule, confinedDimensions, isNarrow } from './route-rule';
import { idInside, limitOf, ownersInside } from './scope';
import { ScopeLookup } from './scope-lookup.service';
import { TokenResolver } from './token-resolver.service';

type Bag = Record<string, unknown>;

function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Bag)[part];
  }
  return cur;
}

function setPath(obj: unknown, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur: unknown = obj;
  for (const part of parts.slice(0, -1)) {
    if (typeof cur !== 'object' || cur === null) return;
    cur = (cur as Bag)[part];
  }
  if (typeof cur === 'object' && cur !== null) (cur as Bag)[parts[parts.length - 1]] = value;
}

/**
 * The one guard of every admin route: who is calling (a principal attached by the session guard before it, or the
 * Bearer token), whether the role holds the route's permission, and whether the objects the request names are
 * inside the token's scope (outside: 404). Filters a scoped token's absent scope fields to its scope.
 */
@Injectable()
export class RoleGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly resolver: TokenResolver,
    private readonly lookup: ScopeLookup,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const principal = principalOf(req) ?? (await this.authenticate(req));
    const rule = this.reflector.get<RouteRule | undefined>(ROUTE_RULE, context.getHandler());
    if (!rule) throw noRule();
    this.checkPermission(principal, rule, req);
    if (isScoped(principal)) await this.checkScope(principal, rule, req);
    return true;
  }

  private async authenticate(req: FastifyRequest): Promise<Principal> {
    const token = presentedToken(req.headers);
    const caller = token === null ? null : await this.resolver.resolveCaller(token);
    if (!caller) throw noToken();
    attachPrincipal(req, caller.principal, caller.via);
    return caller.principal;
  }

  private checkPermission(p: Principal, rule: RouteRule, req: FastifyRequest): void {
    if (allows(p.role, rule.permission)) return;
    const alt = rule.alternative;
    if (alt && allows(p.role, alt.permission) && isNarrow(alt.when, req)) return;
    throw permissionDenied(rule.permission, rolesWith(rule.permission));
  }

  private async checkScope(p: Principal, rule: RouteRule, req: FastifyRequest): Promise<void> {
    if (rule.unscopedOnly) throw scopeTooNarrow('use this route');
    if (rule.eventData) {
      const confined = confinedDimensions(rule);
      for (const d of ['source', 'destination'] as Dimension[]) {
        if (limitOf(p, d) !== null && !confined.has(d)) throw scopeTooNarrow(`use this route (${d}s are not named)`);
      }
    }
    const params = (req.params ?? {}) as Bag;
    for (const [name, kind] of Object.entries(rule.params ?? {})) {
      const id = params[name];
      if (typeof id !== 'string') continue;
      const owners = await this.lookup.owners(kind, id);
      if (owners && !ownersInside(p, owners)) throw outsideScope(`${kind} ${id}`);
    }
    for (const [path, d] of Object.entries(rule.body ?? {})) {
      const id = getPath(req.body, path);
      if (typeof id === 'string' && !idInside(p, d, id)) throw outsideScope(`${d} ${id}`);
    }
    for (const [path, d] of Object.entries(rule.bodyLists ?? {})) await this.checkBodyList(p, rule, req, path, d);
    const query = (req.query ?? {}) as Bag;
    for (const [field, d] of Object.entries(rule.query ?? {})) {
      const limit = limitOf(p, d);
      const id = query[field];
      if (typeof id === 'string') {
        if (!idInside(p, d, id)) throw outsideScope(`${d} ${id}`);
      } else if (limit !== null) {
        if (limit.length !== 1) throw scopeFilterRequired(field);
        query[field] = limit[0];
      }
    }
  }

  /** Each id inside; absent, the scope itself (for sources of a replay: those connected to its destination). */
  private async checkBodyList(p: Principal, rule: RouteRule, req: FastifyRequest, path: string, d: Dimension) {
    const value = getPath(req.body, path);
    const limit = limitOf(p, d);
    if (Array.isArray(value)) {
      for (const id of value) if (typeof id === 'string' && !idInside(p, d, id)) throw outsideScope(`${d} ${id}`);
      return;
    }
    if (value !== undefined || limit === null) return;
    let fill = limit;
    if (d === 'source' && rule.sourcesConnectedTo) {
      const destinationId = getPath(req.body, rule.sourcesConnectedTo);
      if (typeof destinationId !== 'string') return;
      const connected = new Set(await this.lookup.connectedSources(destinationId));
      fill = limit.filter((s) => connected.has(s));
      if (fill.length === 0) throw outsideScope(`destination ${destinationId}`);
    }
    setPath(req.body, path, [...fill]);
  }
}
