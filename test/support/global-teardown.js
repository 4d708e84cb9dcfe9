// Removes the Redis keys of this run's e2e stacks (queue prefixes fsdtest_<run>_*): Redis outlives the test
// run, and other runs on the same Redis keep theirs. Then the run's template database (global-setup.js).
module.exports = async () => {
  const run = process.env.FSD_TEST_RUN;
  if (!run) throw new Error('FSD_TEST_RUN is not set: global-setup.js did not run');
  await dropTemplateDatabase(process.env.FSD_TEST_TEMPLATE_DB);
  const Redis = require('ioredis');
  const redis = new Redis(process.env.REDIS_URL || 'redis://127.0.0.1:6379', {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
  });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `fsdtest_${run}_*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } catch (e) {
    // Redis down: nothing to clean, but say so rather than pass silently.
    console.warn(`e2e teardown could not clean Redis keys fsdtest_${run}_*: ${e instanceof Error ? e.message : e}`);
  } finally {
    redis.disconnect();
  }
};

async function dropTemplateDatabase(name) {
  if (!name) return;
  const { Client } = require('pg');
  const client = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
