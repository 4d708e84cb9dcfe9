import type { SourceEntity } from '@fsd/platform';
import { toSourceView } from './source.dto';

const NOW = new Date('2026-06-01T12:00:00.000Z');

const entity = (previous: { hash: string | null; hint: string | null; expiresAt: Date | null }): SourceEntity => ({
  id: 'id-1',
  name: 'Web',
  writeKeyHash: 'h-new',
  writeKeyHint: 'wk_new12',
  previousWriteKeyHash: previous.hash,
  previousWriteKeyHint: previous.hint,
  previousWriteKeyExpiresAt: previous.expiresAt,
  rateLimitRequestsPerSecond: null,
  rateLimitEventsPerSecond: null,
  eventRetentionDays: null,
  auditRetentionDays: null,
  createdAt: NOW,
  archivedAt: null,
  updatedAt: NOW,
});

describe('toSourceView: the replaced key while its overlap lasts', () => {
  it.each([
    ['no previous key', { hash: null, hint: null, expiresAt: null }, null],
    [
      'overlap running',
      { hash: 'h-old', hint: 'wk_old12', expiresAt: new Date('2026-06-01T13:00:00.000Z') },
      { hint: 'wk_old12', expiresAt: '2026-06-01T13:00:00.000Z' },
    ],
    ['overlap ended', { hash: 'h-old', hint: 'wk_old12', expiresAt: new Date('2026-06-01T11:59:59.999Z') }, null],
    ['ends exactly now', { hash: 'h-old', hint: 'wk_old12', expiresAt: NOW }, null],
  ])('%s', (_, previous, expected) => {
    const view = toSourceView(entity(previous), NOW);
    expect(view.previousWriteKey).toEqual(expected);
    // Hashes never leave the service.
    expect(JSON.stringify(view)).not.toContain('h-old');
    expect(JSON.stringify(view)).not.toContain('h-new');
  });
});
