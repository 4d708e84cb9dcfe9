/**
 * Who may do what: the one place mapping a role to its permissions. Routes name a permission (RequirePermission);
 * the guard asks `allows(role, permission)`.
 */
export const ROLES = ['admin', 'operator', 'auditor', 'privacy'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  /** Sources, destinations, mappings (never secrets: the API shows none after creation). */
  'config.read',
  /** Create, change, archive sources, destinations and mappings; set FullStory API keys; rotate write keys. */
  'config.write',
  /** Enable or disable a source or destination (a PATCH whose body is only `enabled`). */
  'config.enable',
  /** FullStory `GET /me` with a destination's key. */
  'destinations.testConnection',
  'destinations.pause',
  'events.read',
  /** Events of one user (`GET /admin/events?userId=`), for privacy requests. */
  'events.readUser',
  'replays.read',
  'replays.write',
  'deliveries.redrive',
  'deletions.read',
  'deletions.write',
  'tokens.manage',
  'auditLog.read',
  /** The operations page and the queue dashboard, read-only. */
  'ops.read',
  /** Queue dashboard redrives and pause/resume: retrying and promoting jobs, pausing and resuming queues. */
  'dashboard.retry',
  /** Queue dashboard housekeeping: removing jobs or queues, concurrency, rate limits, job schedulers. */
  'dashboard.manage',
  /** Ending every operations-page session. */
  'sessions.revoke',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ_ALL: Permission[] = [
  'config.read',
  'events.read',
  'events.readUser',
  'replays.read',
  'deletions.read',
  'auditLog.read',
  'ops.read',
];

const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  admin: new Set(PERMISSIONS),
  operator: new Set([
    ...READ_ALL,
    'config.enable',
    'destinations.testConnection',
    'destinations.pause',
    'replays.write',
    'deliveries.redrive',
    'dashboard.retry',
  ]),
  auditor: new Set(READ_ALL),
  privacy: new Set(['deletions.read', 'deletions.write', 'events.readUser']),
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function allows(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}

/** The roles holding a permission, for the OpenAPI document and error messages. */
export function rolesWith(permission: Permission): Role[] {
  return ROLES.filter((r) => allows(r, permission));
}
