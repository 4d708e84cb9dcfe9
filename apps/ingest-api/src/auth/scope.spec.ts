import type { Principal } from './principal';
import { isNarrow } from './route-rule';
import { Owners, ownersInside } from './scope';

const S1 = '00000000-0000-4000-8000-000000000001';
const S2 = '00000000-0000-4000-8000-000000000002';
const D1 = '00000000-0000-4000-8000-00000000000d';
const D2 = '00000000-0000-4000-8000-00000000000e';

const token = (sourceIds: string[] | null, destinationIds: string[] | null): Principal => ({
  tokenId: 't',
  name: 't',
  role: 'operator',
  sourceIds,
  destinationIds,
  expiresAt: null,
});

describe('ownersInside', () => {
  const cases: Array<[string, Principal, Owners, boolean]> = [
    ['unscoped sees a source', token(null, null), { sources: [S2] }, true],
    ['source scope, inside', token([S1], null), { sources: [S1] }, true],
    ['source scope, outside', token([S1], null), { sources: [S2] }, false],
    ['source scope, destination not limited', token([S1], null), { destinations: [D2] }, true],
    ['destination scope, inside', token(null, [D1]), { destinations: [D1] }, true],
    ['destination scope, outside', token(null, [D1]), { destinations: [D2] }, false],
    ['replay: every destination', token(null, [D1]), { destinations: [D1, D2] }, false],
    ['event: any destination', token(null, [D1]), { destinations: [D1, D2], anyDestination: true }, true],
    ['event: no destination inside', token(null, [D1]), { destinations: [D2], anyDestination: true }, false],
    ['both, inside', token([S1], [D1]), { sources: [S1], destinations: [D1] }, true],
    ['both, source outside', token([S1], [D1]), { sources: [S2], destinations: [D1] }, false],
    ['a replay over several sources, one outside', token([S1], null), { sources: [S1, S2] }, false],
    ['no destinations named, destination scope', token(null, [D1]), { destinations: [] }, false],
    ['no sources named, source scope', token([S1], null), { sources: [] }, false],
    ['no destinations named, unscoped', token(null, null), { destinations: [] }, true],
    ['no destinations named, source scope only', token([S1], null), { sources: [S1], destinations: [] }, true],
  ];
  it.each(cases)('%s', (_name, p, owners, expected) => {
    expect(ownersInside(p, owners)).toBe(expected);
  });
});

describe('isNarrow', () => {
  const cases: Array<[string, Parameters<typeof isNarrow>[0], unknown, unknown, boolean]> = [
    ['only enabled', 'onlyEnabled', { enabled: false }, {}, true],
    ['enabled and more', 'onlyEnabled', { enabled: false, name: 'x' }, {}, false],
    ['empty body', 'onlyEnabled', {}, {}, false],
    ['no body', 'onlyEnabled', undefined, {}, false],
    ['userId given', 'userIdQuery', undefined, { userId: 'u' }, true],
    ['userId empty', 'userIdQuery', undefined, { userId: '' }, false],
    ['no userId', 'userIdQuery', undefined, { messageId: 'm' }, false],
  ];
  it.each(cases)('%s', (_name, kind, body, query, expected) => {
    expect(isNarrow(kind, { body, query })).toBe(expected);
  });
});
