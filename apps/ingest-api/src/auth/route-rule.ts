import type { Permission } from './roles';

export type Dimension = 'source' | 'destination';
/** What a route parameter names, so the guard can find which sources and destinations it belongs to. */
export type TargetKind = 'source' | 'destination' | 'replay' | 'event' | 'deletion';

/**
 * A route's rule: the permission it needs, and how a token limited to some sources or destinations is kept inside
 * them. Objects outside the scope answer 404, as if they did not exist.
 */
export interface RouteRule {
  permission: Permission;
  /** A second way in: this permission also suffices when the request is of the named, narrower kind. */
  alternative?: { permission: Permission; when: NarrowRequest };
  /** Route parameters naming objects. */
  params?: Record<string, TargetKind>;
  /** Body fields (dotted paths) holding one id, which must be inside the scope. */
  body?: Record<string, Dimension>;
  /** Body fields holding a list of ids: each must be inside; absent, they are set to the scope. */
  bodyLists?: Record<string, Dimension>;
  /** For a `bodyLists` of sources filled from the scope: only those connected to this body field's destination. */
  sourcesConnectedTo?: string;
  /** Query filters holding one id: inside the scope; absent, set to the scope when it is one id, else 400. */
  query?: Record<string, Dimension>;
  /** A list answer: `key` is the array; its items' fields naming their source or destination. */
  list?: { key: string; source?: string; destination?: string };
  /**
   * The route shows event data, which must stay inside every dimension the token is limited in: a limited
   * dimension this route cannot confine (none of its filters names it) answers 403.
   */
  eventData?: boolean;
  /** Only for tokens limited to nothing (listing tokens, the audit log, creating sources). */
  unscopedOnly?: boolean;
}

export type NarrowRequest = 'onlyEnabled' | 'userIdQuery';

interface RequestParts {
  body: unknown;
  query: unknown;
}

/** Whether a request is of the narrower kind an alternative permission covers. Pure. */
export function isNarrow(kind: NarrowRequest, req: RequestParts): boolean {
  if (kind === 'onlyEnabled') {
    const body = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
    const keys = Object.keys(body);
    return keys.length === 1 && keys[0] === 'enabled';
  }
  const userId = (req.query as Record<string, unknown> | null)?.userId;
  return typeof userId === 'string' && userId.length > 0;
}

/** The dimensions this rule confines (for `eventData`). */
export function confinedDimensions(rule: RouteRule): Set<Dimension> {
  const out = new Set<Dimension>();
  for (const d of [
    ...Object.values(rule.body ?? {}),
    ...Object.values(rule.bodyLists ?? {}),
    ...Object.values(rule.query ?? {}),
  ]) {
    out.add(d);
  }
  for (const kind of Object.values(rule.params ?? {})) {
    if (kind === 'source') out.add('source');
    else if (kind === 'destination') out.add('destination');
    else if (kind === 'event' || kind === 'replay') {
      out.add('source');
      out.add('destination');
    } else out.add('destination');
  }
  return out;
}
