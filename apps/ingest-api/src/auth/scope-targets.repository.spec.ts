import { FreshDatabase, freshDatabase } from '../core/database/testing/fresh-database';
import { fixtureRows } from '../core/database/testing/fixture-rows';
import { ScopeTargetsRepository } from './scope-targets.repository';

const NONE = '00000000-0000-4000-8000-000000000000';

/** Against a migrated database of its own. */
describe('ScopeTargetsRepository', () => {
  let db: FreshDatabase;
  let targets: ScopeTargetsRepository;
  let s1: string;
  let s2: string;
  let archivedSource: string;
  let d1: string;
  let d2: string;
  let archivedDestination: string;

  beforeAll(async () => {
    db = await freshDatabase('scope_targets');
    targets = new ScopeTargetsRepository(db.dataSource);
    const rows = fixtureRows(db.pool);
    s1 = await rows.source('s1');
    s2 = await rows.source('s2');
    archivedSource = await rows.source('gone', true);
    d1 = await rows.destination('d1', { sourceIds: [s1, s2] });
    d2 = await rows.destination('d2', { sourceIds: [s2] });
    archivedDestination = await rows.destination('gone', { archived: true });
  });

  afterAll(async () => {
    await db.drop();
  });

  it('names the ids that are no unarchived source or destination', async () => {
    expect(await targets.missing('sources', [s1, archivedSource, NONE, s2])).toEqual([archivedSource, NONE]);
    expect(await targets.missing('destinations', [d1, d2])).toEqual([]);
    expect(await targets.missing('destinations', [archivedDestination, s1])).toEqual([archivedDestination, s1]);
  });

  it("reads a destination's connected sources", async () => {
    expect((await targets.connectedSources(d1)).sort()).toEqual([s1, s2].sort());
    expect(await targets.connectedSources(d2)).toEqual([s2]);
    expect(await targets.connectedSources(NONE)).toEqual([]);
  });

  it("reads an event's source and the destinations it has deliveries to", async () => {
    const rows = fixtureRows(db.pool);
    const at = '2026-03-01T10:00:00Z';
    const event = await rows.event(s2, at, 'm1');
    const lone = await rows.event(s1, at, 'm2');
    await rows.delivery(event, at, d1, 'delivered');
    await rows.delivery(event, at, d2, 'failed');
    const owners = await targets.eventOwners(event);
    expect({ ...owners, destinationIds: owners?.destinationIds.sort() }).toEqual({
      sourceId: s2,
      destinationIds: [d1, d2].sort(),
    });
    expect(await targets.eventOwners(lone)).toEqual({ sourceId: s1, destinationIds: [] });
    expect(await targets.eventOwners('999999')).toBeNull();
  });

  it("reads a replay's destination and its filter's sources", async () => {
    const replay = async (filter: object) =>
      (
        await db.rows<{ id: string }>(
          `INSERT INTO replays (destination_id, filter, rate_per_second) VALUES ($1, $2, 10) RETURNING id::text`,
          [d1, JSON.stringify(filter)],
        )
      )[0].id;
    expect(await targets.replayTarget(await replay({ sourceIds: [s2] }))).toEqual({
      destinationId: d1,
      sourceIds: [s2],
    });
    expect(await targets.replayTarget(await replay({}))).toEqual({ destinationId: d1, sourceIds: null });
    expect(await targets.replayTarget('999999')).toBeNull();
  });

  it('reads the destinations a deletion request targets and the sources connected to them', async () => {
    const deletion = async (destinationIds: string[]) =>
      (
        await db.rows<{ id: string }>(
          `INSERT INTO deletions (user_count, destination_ids) VALUES (1, $1::uuid[]) RETURNING id::text`,
          [destinationIds],
        )
      )[0].id;
    const both = await targets.deletionTargets(await deletion([d2, d1]));
    expect({ ...both, sourceIds: both?.sourceIds.sort() }).toEqual({
      destinationIds: [d2, d1],
      sourceIds: [s1, s2].sort(),
    });
    expect(await targets.deletionTargets(await deletion([d2]))).toEqual({ destinationIds: [d2], sourceIds: [s2] });
    // No targets (no destinations then): nothing inside any scope, though it has no deliveries to tell.
    expect(await targets.deletionTargets(await deletion([]))).toEqual({ destinationIds: [], sourceIds: [] });
    expect(await targets.deletionTargets('999999')).toBeNull();
  });
});
