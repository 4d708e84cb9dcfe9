import { FreshDatabase, freshDatabase } from '../../core/database/testing/fresh-database';
import { fixtureRows } from '../../core/database/testing/fixture-rows';
import { ConfigSnapshots } from './config-snapshots.repository';

/** Against a migrated database of its own. */
describe('ConfigSnapshots', () => {
  let db: FreshDatabase;
  let snapshots: ConfigSnapshots;

  beforeAll(async () => {
    db = await freshDatabase('config_snapshots');
    snapshots = new ConfigSnapshots(db.dataSource);
  });

  afterAll(async () => {
    await db.drop();
  });

  it('reads a source, a destination with its sources, and a mapping as stored', async () => {
    const rows = fixtureRows(db.pool);
    const s1 = await rows.source('s1');
    const s2 = await rows.source('s2');
    const destination = await rows.destination('fs', { sourceIds: [s2, s1] });
    const [{ id: mapping }] = await db.rows<{ id: string }>(
      `INSERT INTO mappings (destination_id, position, name, trigger, action, mapping)
       VALUES ($1, 0, 'm', '{"type":"track"}', 'trackEvent', '{}') RETURNING id::text`,
      [destination],
    );
    expect(await snapshots.of('sources', s1)).toMatchObject({ id: s1, name: 's1', write_key_hash: 'hash-s1' });
    const d = await snapshots.of('destinations', destination.toUpperCase());
    expect(d).toMatchObject({ id: destination, name: 'fs', api_key_encrypted: 'sealed', paused: false });
    expect(d?.source_ids).toEqual([s1, s2].sort());
    expect(await snapshots.of('mappings', mapping)).toMatchObject({
      id: mapping,
      destination_id: destination,
      name: 'm',
      action: 'trackEvent',
    });
  });

  it('answers null for an unknown or malformed id', async () => {
    expect(await snapshots.of('sources', '00000000-0000-4000-8000-000000000000')).toBeNull();
    expect(await snapshots.of('destinations', 'not-a-uuid')).toBeNull();
    expect(await snapshots.of('mappings', 42)).toBeNull();
    expect(await snapshots.of('mappings', undefined)).toBeNull();
  });
});
