import type { Principal } from './principal';
import { opsAccess } from './ops-access';
import type { Role } from './roles';

const as = (role: Role): Principal => ({
  tokenId: 't',
  name: 'n',
  role,
  sourceIds: null,
  destinationIds: null,
  expiresAt: null,
});

describe('opsAccess', () => {
  const cases: Array<[Role, boolean]> = [
    ['admin', true],
    ['operator', true],
    ['auditor', false],
    ['privacy', false],
  ];
  it.each(cases)('%s: controls %s', (role, controls) => {
    expect(opsAccess(as(role))).toEqual({ name: 'n', role, replay: controls, redrive: controls, pause: controls });
  });
});
