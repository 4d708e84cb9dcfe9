import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { SecretBox, apiKeyBinding, hashWriteKey, loadOrCreateDevSecrets } from '@fsd/platform';
import type { IngestConfig } from '../core/config/ingest.config';
import { FreshDatabase, freshDatabase } from '../core/database/testing/fresh-database';
import { DestinationsRepository } from '../admin/destinations/destinations.repository';
import { SourcesRepository } from '../admin/sources/sources.repository';
import { DevSeedService } from './dev-seed.service';

/** The seed through the sources and destinations repositories, against a migrated database of its own. */
describe('DevSeedService', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fsd-dev-seed-'));
  const previousFile = process.env.DEV_SECRETS_FILE;
  let db: FreshDatabase;
  let config: IngestConfig;
  let seed: () => DevSeedService;

  beforeAll(async () => {
    process.env.DEV_SECRETS_FILE = join(dir, 'dev-secrets.json');
    db = await freshDatabase('dev_seed');
    config = {
      production: false,
      seedDevelopmentData: true,
      secretsKey: loadOrCreateDevSecrets().secretsKey,
      devFullStoryApiKey: 'fake-fullstory-key',
      port: 3000,
      fullstoryBaseUrl: 'http://127.0.0.1:4010',
      adminToken: 'dev-admin',
    } as IngestConfig;
    seed = () =>
      new DevSeedService(new SourcesRepository(db.dataSource), new DestinationsRepository(db.dataSource), config);
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
    if (previousFile === undefined) delete process.env.DEV_SECRETS_FILE;
    else process.env.DEV_SECRETS_FILE = previousFile;
  });

  it('seeds one source and one destination fed by it, once, however many instances start together', async () => {
    await Promise.all([seed().onApplicationBootstrap(), seed().onApplicationBootstrap()]);
    await seed().onApplicationBootstrap();
    const { devWriteKey } = loadOrCreateDevSecrets();
    const sources = await db.rows<Record<string, unknown>>(
      `SELECT id::text, name, write_key_hash, write_key_hint, rate_limit_requests_per_second,
              rate_limit_events_per_second, archived_at FROM sources`,
    );
    expect(sources).toEqual([
      {
        id: expect.any(String),
        name: 'Development source',
        write_key_hash: hashWriteKey(devWriteKey),
        write_key_hint: devWriteKey.slice(0, 8),
        rate_limit_requests_per_second: null,
        rate_limit_events_per_second: null,
        archived_at: null,
      },
    ]);
    const destinations = await db.rows<{ id: string; api_key_encrypted: string } & Record<string, unknown>>(
      `SELECT id::text, name, enabled, paused, presets, filters, settings, base_url, region, archived_at,
              api_key_encrypted FROM destinations`,
    );
    expect(destinations).toEqual([
      {
        id: expect.any(String),
        name: 'Development FullStory (fake-fullstory)',
        enabled: true,
        paused: false,
        presets: { trackEvent: true, identifyUser: true },
        filters: [],
        settings: {},
        base_url: null,
        region: null,
        archived_at: null,
        api_key_encrypted: expect.any(String),
      },
    ]);
    const [d] = destinations;
    expect(new SecretBox(config.secretsKey).open(d.api_key_encrypted, apiKeyBinding(d.id))).toBe('fake-fullstory-key');
    expect(await db.rows(`SELECT destination_id::text, source_id::text FROM destination_sources`)).toEqual([
      { destination_id: d.id, source_id: sources[0].id },
    ]);
  });

  it('seeds nothing in production or when turned off', async () => {
    await db.pool.query('TRUNCATE sources, destinations CASCADE');
    for (const c of [{ production: true }, { seedDevelopmentData: false }]) {
      await new DevSeedService(new SourcesRepository(db.dataSource), new DestinationsRepository(db.dataSource), {
        ...config,
        ...c,
      }).onApplicationBootstrap();
    }
    expect(await db.rows('SELECT id FROM sources UNION ALL SELECT id FROM destinations')).toEqual([]);
  });
});
