import { PERMISSIONS, Permission, ROLES, Role, allows, rolesWith } from './roles';

describe('role permissions', () => {
  const granted: Record<Role, Permission[]> = {
    admin: [...PERMISSIONS],
    operator: [
      'config.read',
      'config.enable',
      'destinations.testConnection',
      'destinations.pause',
      'events.read',
      'events.readUser',
      'replays.read',
      'replays.write',
      'deliveries.redrive',
      'deletions.read',
      'auditLog.read',
      'ops.read',
      'dashboard.retry',
    ],
    auditor: [
      'config.read',
      'events.read',
      'events.readUser',
      'replays.read',
      'deletions.read',
      'auditLog.read',
      'ops.read',
    ],
    privacy: ['deletions.read', 'deletions.write', 'events.readUser'],
  };

  const cases = ROLES.flatMap((role) =>
    PERMISSIONS.map((permission) => ({ role, permission, expected: granted[role].includes(permission) })),
  );

  it.each(cases)('$role / $permission -> $expected', ({ role, permission, expected }) => {
    expect(allows(role, permission)).toBe(expected);
  });

  it('lists the roles holding a permission', () => {
    expect(rolesWith('tokens.manage')).toEqual(['admin']);
    expect(rolesWith('deletions.write')).toEqual(['admin', 'privacy']);
    expect(rolesWith('config.read')).toEqual(['admin', 'operator', 'auditor']);
  });
});
