import type { DeliverySettings } from '../config/worker.config';
import { identitiesToCheck } from './identities';

const dest = (suppress: boolean, compiles = true) => ({
  compiled: compiles ? { run: () => ({ actions: [], requests: [], errors: [] }) } : null,
  settings: { suppressDeletedUsers: suppress } as DeliverySettings,
});

describe('identitiesToCheck', () => {
  it.each<[string, 'event' | 'deletion', Record<string, unknown> | null, ReturnType<typeof dest>, string[]]>([
    ['user and anonymous id', 'event', { userId: 'u', anonymousId: 'a' }, dest(true), ['u', 'a']],
    ['anonymous only', 'event', { anonymousId: 'a' }, dest(true), ['a']],
    ['a numeric userId', 'event', { userId: 42 }, dest(true), ['42']],
    ['empty ids', 'event', { userId: '', anonymousId: null }, dest(true), []],
    ['destination opted out', 'event', { userId: 'u' }, dest(false), []],
    ['destination cannot map', 'event', { userId: 'u' }, dest(true, false), []],
    ['a deletion', 'deletion', null, dest(true), []],
    ['no event', 'event', null, dest(true), []],
  ])('%s', (_n, kind, event, destination, expected) => {
    expect(identitiesToCheck({ kind, event }, destination)).toEqual(expected);
  });
});
