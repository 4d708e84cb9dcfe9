import { FreshDatabase, freshDatabase } from '../../core/database/testing/fresh-database';
import { DestinationsRepository } from '../destinations/destinations.repository';
import { NewSource, SourcesRepository } from './sources.repository';

const source = (name: string, writeKeyHash: string): NewSource => ({
  name,
  writeKeyHash,
  writeKeyHint: 'hint',
  rateLimitRequestsPerSecond: 5,
  rateLimitEventsPerSecond: null,
});

/** Against a migrated database of its own. */
describe('SourcesRepository.insertIfKeyIsNew', () => {
  let db: FreshDatabase;
  let sources: SourcesRepository;
  let destinations: DestinationsRepository;

  beforeAll(async () => {
    db = await freshDatabase('sources_repo');
    sources = new SourcesRepository(db.dataSource);
    destinations = new DestinationsRepository(db.dataSource);
  });

  afterAll(async () => {
    await db.drop();
  });

  it('inserts a source whose write key is new, and nothing when the key is taken', async () => {
    const id = await sources.insertIfKeyIsNew(source('first', 'k1'));
    expect(await sources.insertIfKeyIsNew(source('second', 'k1'))).toBeNull();
    expect(
      await db.rows(
        `SELECT id::text, name, write_key_hash, write_key_hint, rate_limit_requests_per_second,
                rate_limit_events_per_second FROM sources`,
      ),
    ).toEqual([
      {
        id,
        name: 'first',
        write_key_hash: 'k1',
        write_key_hint: 'hint',
        rate_limit_requests_per_second: 5,
        rate_limit_events_per_second: null,
      },
    ]);
  });

  it("commits or rolls back with the destinations' transaction it is given", async () => {
    await expect(
      destinations.transaction(async (tx) => {
        await sources.insertIfKeyIsNew(source('rolled back', 'k2'), tx);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    const id = await destinations.transaction((tx) => sources.insertIfKeyIsNew(source('committed', 'k3'), tx));
    expect(await db.rows(`SELECT id::text, name FROM sources WHERE write_key_hash <> 'k1' ORDER BY name`)).toEqual([
      { id, name: 'committed' },
    ]);
  });
});
