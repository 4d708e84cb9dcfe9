import { randomUUID } from 'crypto';
import { SecretBox, apiKeyBinding, dropTestDatabase, prepareDatabase } from '@fsd/platform';
import { loadWorkerConfig } from '../config/worker.config';
import { DestinationRepository } from '../data/destination.repository';
import { pgPoolProvider } from '../data/pg-pool.provider';
import { DestinationCache } from './destination-cache.service';

const DATABASE_URL = `postgres://postgres@127.0.0.1:5432/fsd_test_destination_cache_${process.pid}_${Date.now()}`;
const SECRETS_KEY = 'destination-cache-spec-secrets-key';

const config = (refreshMs: number) =>
  loadWorkerConfig({ DATABASE_URL, SECRETS_KEY, DESTINATION_REFRESH_MS: String(refreshMs), NODE_ENV: 'test' });

/** Against a migrated database of its own, dropped afterwards; the repository's version read is counted, not replaced. */
describe('DestinationCache', () => {
  let pool: ReturnType<typeof pgPoolProvider.useFactory>;
  let rows: DestinationRepository;
  let destinationId: string;

  beforeAll(async () => {
    await prepareDatabase(DATABASE_URL);
    pool = pgPoolProvider.useFactory(config(100));
    rows = new DestinationRepository(pool);
    destinationId = randomUUID();
    await pool.query(
      `INSERT INTO destinations (id, name, api_key_encrypted, settings) VALUES ($1, 'cached', $2, '{"concurrency": 7}')`,
      [destinationId, new SecretBox(SECRETS_KEY).seal('cache-spec-api-key', apiKeyBinding(destinationId))],
    );
  });

  afterAll(async () => {
    await dropTestDatabase(pool, new URL(DATABASE_URL).pathname.slice(1));
  });

  afterEach(() => jest.restoreAllMocks());

  const cacheOf = (refreshMs: number) => new DestinationCache(rows, config(refreshMs));

  it('revalidates an expired entry once however many jobs ask at the same time', async () => {
    const cache = cacheOf(100);
    const first = await cache.get(destinationId);
    expect(first).toMatchObject({ id: destinationId, apiKey: 'cache-spec-api-key' });
    expect(first!.settings.concurrency).toBe(7);
    const versions = jest.spyOn(rows, 'version');
    const loads = jest.spyOn(rows, 'configRow');
    const fresh = await cache.get(destinationId);
    expect(fresh).toBe(first);
    expect(versions).toHaveBeenCalledTimes(0);

    first!.loadedAt -= 1000; // expired
    const all = await Promise.all(Array.from({ length: 50 }, () => cache.get(destinationId)));
    expect(new Set(all)).toEqual(new Set([first]));
    expect(versions).toHaveBeenCalledTimes(1);
    expect(loads).toHaveBeenCalledTimes(0); // unchanged version: the compiled entry is kept
  });

  it('loads again after a change, and a read in flight when the change is notified does not hide it', async () => {
    const cache = cacheOf(60_000);
    expect((await cache.get(destinationId))!.settings.concurrency).toBe(7);
    await pool.query(`UPDATE destinations SET settings = '{"concurrency": 9}', updated_at = now() WHERE id = $1`, [
      destinationId,
    ]);
    // Still cached (refresh in a minute) until the change is notified.
    expect((await cache.get(destinationId))!.settings.concurrency).toBe(7);
    cache.invalidate(destinationId);
    expect((await cache.get(destinationId))!.settings.concurrency).toBe(9);

    // A revalidation that read the old row is in flight when the next change is notified: what it found is not
    // cached, and the next job reads the row again.
    const loaded = (await cache.get(destinationId))!;
    loaded.loadedAt = 0;
    const inFlight = cache.get(destinationId);
    await pool.query(`UPDATE destinations SET settings = '{"concurrency": 11}', updated_at = now() WHERE id = $1`, [
      destinationId,
    ]);
    cache.invalidate(destinationId);
    await inFlight;
    expect((await cache.get(destinationId))!.settings.concurrency).toBe(11);
  });

  it('answers null for a destination archived since it was cached', async () => {
    const cache = cacheOf(100);
    expect(await cache.get(destinationId)).not.toBeNull();
    await pool.query('UPDATE destinations SET archived_at = now() WHERE id = $1', [destinationId]);
    cache.invalidate(destinationId);
    expect(await cache.get(destinationId)).toBeNull();
  });
});
