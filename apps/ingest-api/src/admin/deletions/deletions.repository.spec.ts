import { IdentityHasher } from '@fsd/platform';
import { FreshDatabase, freshDatabase } from '../../core/database/testing/fresh-database';
import { fixtureRows } from '../../core/database/testing/fixture-rows';
import { DeletionsRepository } from './deletions.repository';

/** Against a migrated database of its own. */
describe('DeletionsRepository', () => {
  let db: FreshDatabase;
  let repo: DeletionsRepository;
  let source: string;
  let first: string;
  let second: string;
  const hasher = new IdentityHasher('0123456789abcdef0123456789abcdef');
  const create = async (users: string[], destinations: string[] | undefined) => {
    const created = await repo.create(users, destinations);
    if ('missing' in created) throw new Error(`unexpected missing destinations: ${created.missing.join(', ')}`);
    return created;
  };

  beforeAll(async () => {
    db = await freshDatabase('deletions');
    await db.rows(`SELECT ensure_event_partitions(1)`);
    repo = new DeletionsRepository(db.dataSource);
    const rows = fixtureRows(db.pool);
    source = await rows.source('web');
    first = await rows.destination('a', { sourceIds: [source] });
    second = await rows.destination('b');
    await rows.destination('gone', { archived: true });
  });

  afterAll(async () => {
    await db.drop();
  });

  it('refuses unknown destinations and writes nothing', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(await repo.create(['u1'], [first, unknown])).toEqual({ missing: [unknown] });
    expect(await db.rows(`SELECT count(*)::int AS n FROM deletions`)).toEqual([{ n: 0 }]);
  });

  it('creates the request with one deletion delivery per unarchived destination and user', async () => {
    const created = await create(['u1', 'u2'], undefined);
    expect(created.rows.map((r) => r.destination_id).sort()).toEqual([first, first, second, second].sort());
    const row = await repo.find(created.id);
    expect(row).toMatchObject({ id: created.id, status: 'pending', user_count: 2, erased_events: '0', error: null });
    await db.rows(`UPDATE deliveries SET status = 'delivered' WHERE deletion_id = $1 AND destination_id = $2`, [
      created.id,
      first,
    ]);
    await db.rows(
      `UPDATE deliveries SET status = 'failed' WHERE id = (SELECT min(id) FROM deliveries WHERE deletion_id = $1 AND destination_id = $2)`,
      [created.id, second],
    );
    const counts = await repo.deliveryCounts([created.id]);
    // Ordered by destination id.
    expect(counts).toEqual(
      [
        { deletion_id: created.id, destinationId: first, total: 2, done: 2, failed: 0 },
        { deletion_id: created.id, destinationId: second, total: 2, done: 0, failed: 1 },
      ].sort((x, y) => x.destinationId.localeCompare(y.destinationId)),
    );
    const another = await create(['u3'], [second]);
    const everything = { destinationIds: null, sourceIds: null };
    expect((await repo.list(null, 10, everything)).map((r) => r.id)).toEqual([another.id, created.id]);
    expect((await repo.list(another.id, 10, everything)).map((r) => r.id)).toEqual([created.id]);
    // A scope keeps the requests whose every target destination is inside it.
    const onlySecond = { destinationIds: [second], sourceIds: null };
    expect((await repo.list(null, 10, onlySecond)).map((r) => r.id)).toEqual([another.id]);
    const both = { destinationIds: [first, second], sourceIds: null };
    expect((await repo.list(null, 10, both)).map((r) => r.id)).toEqual([another.id, created.id]);
  });

  it('leases an erasure to one owner, releases it and records a failure', async () => {
    const created = await create(['lease'], [second]);
    expect(await repo.unheld('me')).toContain(created.id);
    expect(await repo.claim(created.id, 'me', 60_000)).toEqual({
      id: created.id,
      phase: 'link',
      user_ids: ['lease'],
      identities: null,
    });
    expect(await repo.claim(created.id, 'other', 60_000)).toBeNull();
    expect(await repo.unheld('other')).not.toContain(created.id);
    await repo.releaseAll('me');
    expect(await repo.claim(created.id, 'other', 60_000)).not.toBeNull();
    await repo.fail(created.id, 'x'.repeat(3000));
    expect(await repo.find(created.id)).toMatchObject({ status: 'failed', error: 'x'.repeat(2000) });
    expect(await repo.claim(created.id, 'other', 60_000)).toBeNull();
  });

  it('erases through its phases: link, events (with the linked anonymous id), rejected, done', async () => {
    const rows = fixtureRows(db.pool);
    const tracked = await rows.event(source, '2026-03-01T10:00:00Z', 'e1', { userId: 'gone-user' });
    const identify = await rows.event(source, '2026-03-01T10:00:01Z', 'e2', { type: 'identify', userId: 'gone-user' });
    await db.rows(`UPDATE events SET anonymous_id = 'anon-1' WHERE id = $1`, [identify]);
    const anonymous = await rows.event(source, '2026-03-01T10:00:02Z', 'e3');
    await db.rows(`UPDATE events SET anonymous_id = 'anon-1' WHERE id = $1`, [anonymous]);
    const kept = await rows.event(source, '2026-03-01T10:00:03Z', 'e4', { userId: 'someone-else' });
    await db.rows(
      `INSERT INTO rejected_events (source_id, received_at, code, message, payload, user_id)
       VALUES ($1, now(), 'invalid', 'invalid', '{"a":1}', 'gone-user')`,
      [source],
    );
    const created = await create(['gone-user'], [first]);

    let job = (await repo.claim(created.id, 'me', 60_000))!;
    await repo.step(job, hasher, new Date('2026-03-02T00:00:00Z'));
    job = (await repo.claim(created.id, 'me', 60_000))!;
    expect(job.phase).toBe('events');
    expect([...job.identities!].sort()).toEqual(['anon-1', 'gone-user']);
    expect(
      await db.rows(`SELECT count(*)::int AS n FROM suppressed_identities WHERE deletion_id = $1`, [created.id]),
    ).toEqual([{ n: 2 }]);

    await repo.step(job, hasher, new Date('2026-03-02T00:00:00Z'));
    job = (await repo.claim(created.id, 'me', 60_000))!;
    expect(job.phase).toBe('rejected');
    const events = await db.rows<{ id: string; user_id: string | null; anonymous_id: string | null; payload: unknown }>(
      `SELECT id::text, user_id, anonymous_id, payload FROM events ORDER BY id`,
    );
    const byId = new Map(events.map((e) => [e.id, e]));
    for (const id of [tracked, identify, anonymous]) {
      expect(byId.get(id)!.payload).toEqual({ erased: { at: '2026-03-02T00:00:00.000Z', deletionId: created.id } });
    }
    expect(byId.get(tracked)!.user_id).toBe(hasher.hash('gone-user'));
    expect(byId.get(anonymous)!.anonymous_id).toBe(hasher.hash('anon-1'));
    expect(byId.get(kept)!.user_id).toBe('someone-else');

    await repo.step(job, hasher, new Date('2026-03-02T00:00:00Z'));
    expect(await repo.claim(created.id, 'me', 60_000)).toBeNull();
    expect(await repo.find(created.id)).toMatchObject({
      status: 'completed',
      erased_events: '3',
      erased_rejected_events: '1',
    });
    expect(
      await db.rows(`SELECT user_ids, identities, lease_owner FROM deletions WHERE id = $1`, [created.id]),
    ).toEqual([{ user_ids: null, identities: null, lease_owner: null }]);
    expect(await db.rows(`SELECT user_id FROM rejected_events`)).toEqual([{ user_id: null }]);
  });
});
