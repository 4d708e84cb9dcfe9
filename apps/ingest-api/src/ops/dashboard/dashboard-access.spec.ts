import type { Principal } from '../../auth/principal';
import type { Role } from '../../auth/roles';
import { dashboardRefusal, dashboardVerb } from './dashboard-access';

const token = (role: Role, destinationIds: string[] | null = null): Principal => ({
  tokenId: 't',
  name: 'n',
  role,
  sourceIds: null,
  destinationIds,
  expiresAt: null,
});

describe('dashboardRefusal', () => {
  const cases: Array<[string, Principal, string, boolean]> = [
    ['admin reads', token('admin'), 'GET', false],
    ['admin retries', token('admin'), 'PUT', false],
    ['operator retries', token('operator'), 'PUT', false],
    ['auditor reads', token('auditor'), 'GET', false],
    ['auditor retries', token('auditor'), 'PUT', true],
    ['auditor cleans', token('auditor'), 'DELETE', true],
    ['privacy reads', token('privacy'), 'GET', true],
    ['a limited operator reads', token('operator', ['d']), 'GET', true],
  ];
  it.each(cases)('%s: refused %s', (_name, p, method, refused) => {
    expect(dashboardRefusal(p, method) !== null).toBe(refused);
  });
});

describe('dashboardVerb', () => {
  const cases: Array<[string, string]> = [
    ['/api/queues/delivery-x/42/retry', 'retry'],
    ['/api/queues/delivery-x/retry/failed', 'retry'],
    ['/api/queues/delivery-x/clean/completed', 'clean'],
    ['/api/queues/delivery-x/pause', 'pause'],
    ['/api/queues/delivery-x/42', 'change'],
  ];
  it.each(cases)('%s -> %s', (path, verb) => {
    expect(dashboardVerb(path)).toBe(verb);
  });
});
