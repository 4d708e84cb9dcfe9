/**
 * The roles matrix's vocabulary: who calls (role × how far the token is limited), which objects a request names
 * (inside or outside that scope), and the status each combination must get. The expectations are written out here,
 * apart from the app's own role table: a change to either shows up.
 */
export type Role = 'admin' | 'operator' | 'auditor' | 'privacy';
export type Dim = 'source' | 'destination';
export type Where = 'inside' | 'outside';

export interface Variant {
  label: string;
  role: Role | null;
  limits: Dim[];
}

export const VARIANTS: Variant[] = [
  { label: 'no token', role: null, limits: [] },
  { label: 'admin', role: 'admin', limits: [] },
  ...(['operator', 'auditor', 'privacy'] as Role[]).flatMap((role) => [
    { label: role, role, limits: [] as Dim[] },
    { label: `${role} limited to D1`, role, limits: ['destination'] as Dim[] },
    { label: `${role} limited to S1+D1`, role, limits: ['source', 'destination'] as Dim[] },
  ]),
];

export interface Fixture {
  s: Record<Where, string>;
  d: Record<Where, string>;
  m: Record<Where, string>;
  e: Record<Where, string>;
  r: Record<Where, string>;
  x: Record<Where, string>;
  /** A deletion targeting no destination (so without deliveries): outside every limited token's scope. */
  xNone: string;
  /** The queue of a destination kept for the queue dashboard's actions (name and URL-encoded name). */
  queue: { name: string; encoded: string };
  from: string;
  to: string;
}

export interface Fresh {
  source(): Promise<string>;
  destination(): Promise<string>;
  mapping(destinationId: string): Promise<string>;
  token(): Promise<string>;
  /** Pauses the dashboard's queue (an obliterate needs it paused, and removes the pause with the queue). */
  pauseQueue(): Promise<void>;
}

export interface Req {
  path: string;
  body?: unknown;
  /** Send the variant's token in the body (the login form) instead of as Bearer. */
  tokenInBody?: boolean;
}

export interface Row {
  /** Roles whose request reaches the handler; `anyone`: no credentials needed. */
  allowed: Role[] | 'anyone';
  /** What the handler answers then. */
  success: number;
  /**
   * How a limited token fares: `list` answers (filtered); `none` answers as an unlimited one; `unscoped` refuses any
   * limit (403); otherwise `dims` are the dimensions the named objects differ in (outside: 404 for a token limited
   * in one of them) and `confines`, for event data, those the route can hold a token to (limited in another: 403).
   */
  scoping: 'list' | 'none' | 'unscoped' | { dims: Dim[]; confines?: Dim[] };
  request: (f: Fixture, where: Where, fresh: Fresh) => Promise<Req> | Req;
  /** Its requests one at a time (each changes what the next finds); otherwise a route's variants run at once. */
  serial?: boolean;
}

export const ALL: Role[] = ['admin', 'operator', 'auditor', 'privacy'];
export const ADMIN: Role[] = ['admin'];
export const READERS: Role[] = ['admin', 'operator', 'auditor'];
export const OPERATORS: Role[] = ['admin', 'operator'];
export const PRIVACY: Role[] = ['admin', 'privacy'];
export const BOTH: Dim[] = ['source', 'destination'];

export function expected(row: Row, v: Variant, where: Where): number {
  if (row.allowed === 'anyone') return row.success;
  if (v.role === null) return 401;
  if (!row.allowed.includes(v.role)) return 403;
  if (v.limits.length === 0 || row.scoping === 'list' || row.scoping === 'none') return row.success;
  if (row.scoping === 'unscoped') return 403;
  const { dims, confines } = row.scoping;
  if (confines && v.limits.some((d) => !confines.includes(d))) return 403;
  if (where === 'outside' && v.limits.some((d) => dims.includes(d))) return 404;
  return row.success;
}

/** A row answered the same way as another (the ops page relays to the admin API), at another path. */
export function relayed(row: Row, path: (apiPath: string) => string): Row {
  return {
    ...row,
    request: async (f, w, fresh) => {
      const req = await row.request(f, w, fresh);
      return { ...req, path: path(req.path) };
    },
  };
}
