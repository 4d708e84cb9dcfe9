import Redis from 'ioredis';
import { withDb } from '../../support/stack';
import { FaultStack } from './harness';

/**
 * Every text stored under the queue prefix of one Redis server: hashes (job data, opts, failedReason,
 * stacktrace, returnvalue), strings, lists, sets, sorted sets, streams.
 */
async function redisTexts(url: string, prefix: string): Promise<{ where: string; text: string }[]> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on('error', () => undefined);
  const out: { where: string; text: string }[] = [];
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      const types = ((await keys.reduce((p, k) => p.type(k), redis.pipeline()).exec()) ?? []).map((r) => String(r[1]));
      const reads = redis.pipeline();
      keys.forEach((key, i) => {
        if (types[i] === 'hash') reads.hgetall(key);
        else if (types[i] === 'string') reads.get(key);
        else if (types[i] === 'list') reads.lrange(key, 0, -1);
        else if (types[i] === 'set') reads.smembers(key);
        else if (types[i] === 'zset') reads.zrange(key, 0, -1);
        else if (types[i] === 'stream') reads.xrange(key, '-', '+');
        else reads.echo('');
      });
      const values = (await reads.exec()) ?? [];
      keys.forEach((key, i) =>
        out.push({ where: `redis ${url} ${key}`, text: `${key} ${JSON.stringify(values[i]?.[1])}` }),
      );
    } while (cursor !== '0');
  } catch (e) {
    // A Redis server the test has already stopped has nothing left to leak.
    if (!/ECONNREFUSED|Connection is closed/.test((e as Error).message)) throw e;
  } finally {
    redis.disconnect();
  }
  return out;
}

async function auditTexts(databaseUrl: string): Promise<{ where: string; text: string }[]> {
  return withDb(databaseUrl, async (db) => {
    const out: { where: string; text: string }[] = [];
    for (const [table, sql] of [
      ['delivery_attempts', 'SELECT row_to_json(t)::text AS t FROM delivery_attempts t'],
      ['delivery_state_changes', 'SELECT row_to_json(t)::text AS t FROM delivery_state_changes t'],
      ['deliveries.last_error', 'SELECT last_error AS t FROM deliveries WHERE last_error IS NOT NULL'],
      ['rejected_events', 'SELECT row_to_json(t)::text AS t FROM rejected_events t'],
      ['events', 'SELECT row_to_json(t)::text AS t FROM events t'],
    ]) {
      const { rows } = await db.query<{ t: string }>(sql);
      for (const r of rows) out.push({ where: table, text: r.t });
    }
    return out;
  });
}

/** Asks the admin API (with and without the token) and the tracking API (bad keys) for answers to scan. */
async function apiAnswers(stack: FaultStack): Promise<string[]> {
  const base = stack.ingestUrl;
  const out: string[] = [];
  const ask = async (path: string, init: RequestInit = {}) => {
    try {
      const res = await fetch(`${base}${path}`, init);
      out.push(`${path} ${res.status} ${JSON.stringify([...res.headers])} ${await res.text()}`);
    } catch {
      // ingest not running: nothing to answer
    }
  };
  const admin = { Authorization: `Bearer ${stack.env.ADMIN_TOKEN}` };
  await ask('/admin/destinations', { headers: admin });
  await ask('/admin/sources', { headers: admin });
  await ask('/admin/destinations', { headers: { Authorization: `Bearer ${stack.env.ADMIN_TOKEN}x` } });
  await ask('/admin/destinations', {
    method: 'POST',
    headers: { ...admin, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 42, apiKey: stack.apiKey }),
  });
  for (const key of stack.writeKeys) {
    const bad = `Basic ${Buffer.from(`${key}x:`).toString('base64')}`;
    await ask('/v1/track', {
      method: 'POST',
      headers: { Authorization: bad, 'Content-Type': 'application/json' },
      body: '{}',
    });
    const good = `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
    await ask('/v1/track', {
      method: 'POST',
      headers: { Authorization: good, 'Content-Type': 'application/json' },
      body: JSON.stringify({ event: 'no user', writeKey: key }),
    });
  }
  return out;
}

/**
 * Finds the FullStory API key, the write keys or the admin token anywhere they must not be: the logs
 * of every app the suite started, the job payloads in Redis, the event log, the audit rows, and what the APIs answer.
 * Returns where each was found (empty = clean). Call it before stopping ingest-api to include its answers.
 */
export async function scanForSecrets(stack: FaultStack): Promise<string[]> {
  const texts: { where: string; text: string }[] = [];
  for (const a of await apiAnswers(stack)) texts.push({ where: 'API answer', text: a });
  for (const a of stack.answers) texts.push({ where: 'API answer', text: a });
  for (const app of stack.started) texts.push({ where: `${app.name} log`, text: app.output.join('') });
  for (const url of stack.redisUrls) texts.push(...(await redisTexts(url, stack.env.QUEUE_PREFIX)));
  texts.push(...(await auditTexts(stack.env.DATABASE_URL)));
  return findSecrets(stack.secrets, texts);
}

/** Where any of the secrets (raw, base64, or as a Basic credential) occurs in the texts. */
export function findSecrets(secrets: string[], texts: { where: string; text: string }[]): string[] {
  const found: string[] = [];
  for (const secret of secrets) {
    const forms = [secret, Buffer.from(secret).toString('base64'), Buffer.from(`${secret}:`).toString('base64')];
    for (const t of texts) {
      if (forms.some((f) => t.text.includes(f))) found.push(`${secret.slice(0, 12)}… in ${t.where}`);
    }
  }
  return [...new Set(found)];
}
