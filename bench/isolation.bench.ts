/**
 * npm run bench:isolation — issue 18 item 2: a slow FullStory account must not slow another. Destination B's
 * end-to-end latency at 1,000 events/s (offered by the latency step's load generator, in its own process, spread over
 * each second, after its warm-up), first alone, then beside destination A (same source, another FullStory key) whose
 * account answers every request in 5 s (a fake fault matching A's key). With one socket pool per destination, B's
 * figures stay the same; with the old shared pool (64 sockets per origin) A's requests held every socket and B's
 * waited, timed out and retried. Between the two, B beside A paused (A's events logged and queued, nothing sent):
 * the same work for ingest as beside slow A, so what is left between those two rows is A's slowness alone.
 */
import { createHash, randomUUID } from 'crypto';
import { Pool as PgPool } from 'pg';
import { apiKeyBinding, prepareDatabase, SecretBox } from '@fsd/platform';
import { ADMIN_TOKEN, FAKE_PORT, INGEST_PORT, WORKER_PORT, destinationControl, warmUp } from './full-scenarios';
import { offeredLatency } from './offered-latency';
import {
  BENCH_SECRETS_KEY,
  BenchApp,
  deleteRedisPrefix,
  fmt,
  recreateDatabase,
  seedBenchSource,
  startBenchApp,
} from './support';

const DB = process.env.BENCH_ISOLATION_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/fsd_bench_isolation';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `benchiso_${Date.now()}`;
const SLOW_KEY = 'dev-fullstory-key';
const SLOW_MS = 5000;
const RATE = 1000;
const SECONDS = 10;
/** Bursts per second, as the full bench's latency step judges its goal. */
const PHASES = 50;
const WARMUP_EVENTS = 5000;
const INGEST_URL = `http://127.0.0.1:${INGEST_PORT}`;
const FAKE_URL = `http://127.0.0.1:${FAKE_PORT}`;

const captured = (key: string) => `Basic <redacted sha256:${createHash('sha256').update(key).digest('hex')}>`;

function env(): Record<string, string> {
  return {
    DATABASE_URL: DB,
    REDIS_URL,
    QUEUE_PREFIX: PREFIX,
    ADMIN_TOKEN,
    SECRETS_KEY: BENCH_SECRETS_KEY,
    SEED_DEV_DATA: 'false',
    LOG_LEVEL: 'warn',
    INGEST_PORT: String(INGEST_PORT),
    WORKER_PORT: String(WORKER_PORT),
    FAKE_FULLSTORY_PORT: String(FAKE_PORT),
    FULLSTORY_BASE_URL: `http://127.0.0.1:${FAKE_PORT}`,
    FAKE_FULLSTORY_MAX_CAPTURED: '40000',
    FAKE_FULLSTORY_MAX_EVENTS: '40000',
  };
}

async function main(): Promise<void> {
  await recreateDatabase(DB);
  await prepareDatabase(DB);
  const pg = new PgPool({ connectionString: DB, max: 2 });
  const seeded = await seedBenchSource(pg);
  const apps: BenchApp[] = [];
  try {
    apps.push(await startBenchApp('fake-fullstory', env(), FAKE_PORT));
    apps.push(await startBenchApp('ingest-api', env(), INGEST_PORT));
    apps.push(await startBenchApp('delivery-worker', env(), WORKER_PORT));
    const keyB = captured('test-api-key');

    // Both measurements on a warm worker: a cold one's first seconds (compiling) would count against B alone.
    process.stderr.write(`warming the worker up with ${WARMUP_EVENTS} events...\n`);
    await warmUp(pg, seeded, WARMUP_EVENTS);
    process.stderr.write('B alone...\n');
    const measureB = () => offeredLatency(INGEST_URL, FAKE_URL, seeded.auth, RATE, SECONDS, PHASES, undefined, keyB);
    const alone = await measureB();

    await fetch(`http://127.0.0.1:${FAKE_PORT}/__fake/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ match: { apiKey: SLOW_KEY }, latencyMs: SLOW_MS }),
    });
    // The id is chosen up front: the sealed API key is bound to its row. Created paused, so that its events are
    // logged and queued while nothing is sent.
    const slowA = randomUUID();
    await pg.query(
      `INSERT INTO destinations (id, name, api_key_encrypted, presets, paused) VALUES ($1, 'slow A', $2, $3, true)`,
      [
        slowA,
        new SecretBox(BENCH_SECRETS_KEY).seal(SLOW_KEY, apiKeyBinding(slowA)),
        JSON.stringify({ trackEvent: true, identifyUser: false }),
      ],
    );
    await pg.query('INSERT INTO destination_sources (destination_id, source_id) VALUES ($1, $2)', [
      slowA,
      seeded.sourceId,
    ]);
    process.stderr.write('B beside A paused...\n');
    const besidePaused = await measureB();
    // The row is labelled "nothing sent": a request with A's key while paused would make it another measurement.
    const keyA = captured(SLOW_KEY);
    const seen = (await (await fetch(`${FAKE_URL}/__fake/requests`)).json()) as {
      headers: { authorization?: string };
    }[];
    const sentByPausedA = seen.filter((r) => r.headers?.authorization === keyA).length;
    if (sentByPausedA > 0) throw new Error(`A sent ${sentByPausedA} requests while paused`);

    process.stderr.write(`B beside A answering in ${SLOW_MS} ms...\n`);
    await destinationControl(slowA, 'resume');
    const beside = await measureB();

    console.log(
      `\nisolation: destination B at ${fmt(RATE)} events/s, alone, beside A paused (its events logged and queued) and ` +
        `beside A sending (its account answering in ${SLOW_MS} ms)\n`,
    );
    console.log('| B | rate | ack → received p50 | p99 | ingest answering p50 | p99 | not received within 20 s |');
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const [name, r] of [
      ['alone', alone],
      ['beside A paused', besidePaused],
      ['beside slow A', beside],
    ] as const) {
      console.log(
        `| ${name} | ${fmt(r.rate)}/s | ${fmt(r.ackP50, 1)} ms | ${fmt(r.ackP99, 1)} ms | ${fmt(r.ingestP50, 1)} ms | ${fmt(r.ingestP99, 1)} ms | ${r.missing} |`,
      );
    }
  } finally {
    for (const app of apps.reverse()) await app.stop();
    await pg.end();
    await deleteRedisPrefix(PREFIX, REDIS_URL);
    await recreateDatabase(DB);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
