import { FreshDatabase, freshDatabase } from '../../core/database/testing/fresh-database';
import { fixtureRows } from '../../core/database/testing/fixture-rows';
import { DestinationsRepository } from './destinations.repository';

/** Against a migrated database of its own. */
describe('DestinationsRepository.archive', () => {
  let db: FreshDatabase;
  let repo: DestinationsRepository;

  beforeAll(async () => {
    db = await freshDatabase('destinations_repo');
    await db.rows(`SELECT ensure_event_partitions(1)`);
    repo = new DestinationsRepository(db.dataSource);
  });

  afterAll(async () => {
    await db.drop();
  });

  it('hides, disables and unlinks the destination, destroys its key and skips its open deliveries', async () => {
    const rows = fixtureRows(db.pool);
    const source = await rows.source('web');
    const destination = await rows.destination('fs', { sourceIds: [source] });
    const kept = await rows.destination('kept', { sourceIds: [source] });
    const event = await rows.event(source, '2026-03-01T10:00:00Z', 'm1');
    const delivered = await rows.delivery(event, '2026-03-01T10:00:00Z', destination, 'delivered');
    const event2 = await rows.event(source, '2026-03-01T10:00:01Z', 'm2');
    const open = await rows.delivery(event2, '2026-03-01T10:00:01Z', destination, 'retrying');
    const other = await rows.delivery(event2, '2026-03-01T10:00:01Z', kept, 'pending');

    expect(await repo.archive(destination)).toBe(true);

    expect(
      await db.rows(
        `SELECT enabled, api_key_encrypted, archived_at IS NOT NULL AS archived FROM destinations WHERE id = $1`,
        [destination],
      ),
    ).toEqual([{ enabled: false, api_key_encrypted: '', archived: true }]);
    expect(await db.rows(`SELECT destination_id::text FROM destination_sources`)).toEqual([{ destination_id: kept }]);
    expect(await db.rows(`SELECT id::text, status, last_error FROM deliveries ORDER BY id`)).toEqual([
      { id: delivered, status: 'delivered', last_error: null },
      { id: open, status: 'skipped', last_error: 'destination archived' },
      { id: other, status: 'pending', last_error: null },
    ]);
    expect(
      await db.rows(`SELECT from_status, to_status FROM delivery_state_changes WHERE delivery_id = $1`, [open]),
    ).toEqual([{ from_status: 'retrying', to_status: 'skipped' }]);
    // Archived already: nothing to do.
    expect(await repo.archive(destination)).toBe(false);
  });
});
