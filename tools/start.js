#!/usr/bin/env node
// `npm start`: builds once, checks Postgres and Redis, migrates, then runs ingest-api, delivery-worker
// and fake-fullstory together with prefixed logs. Ctrl-C stops all three. Under NODE_ENV=production the
// fake is left out (it refuses production): the apps then talk to the FULLSTORY_BASE_URL you set.
'use strict';
const path = require('path');
const root = path.resolve(__dirname, '..');
const { ensureBuilt } = require('./build-if-stale');

async function main() {
  ensureBuilt(root);
  require('./register-dist-paths').register(root);
  const platform = require(path.join(root, 'dist/libs/platform/src/index.js'));
  const env = process.env;
  const databaseUrl = env.DATABASE_URL || platform.DEFAULT_DATABASE_URL;
  const redisUrl = env.REDIS_URL || platform.DEFAULT_REDIS_URL;
  const problems = [];
  // The apps validate REDIS_CLUSTER_NODES in full; here a bad entry is only left out of the reachability check.
  const redisClusterNodes = platform.parseRedisNodes(env.REDIS_CLUSTER_NODES).nodes;
  await platform.assertRedisReachable({ redisUrl, redisClusterNodes }).catch((e) => problems.push(e.message));
  await platform
    .prepareDatabase(databaseUrl)
    .then((ran) => ran.length && console.log(`[start] applied migrations: ${ran.join(', ')}`))
    .catch((e) => problems.push(e.message));
  if (problems.length > 0) {
    console.error(`[start] cannot start the stack:\n\n${problems.join('\n\n')}\n`);
    process.exit(1);
  }
  // Generate the development secrets once, before the apps race to do it.
  if (env.NODE_ENV !== 'production') platform.loadOrCreateDevSecrets();
  // The bundled fake on another port: the worker (and the banner's curl) must use that port too.
  if (env.NODE_ENV !== 'production' && env.FAKE_FULLSTORY_PORT && !env.FULLSTORY_BASE_URL) {
    env.FULLSTORY_BASE_URL = `http://127.0.0.1:${env.FAKE_FULLSTORY_PORT}`;
  }

  const { concurrently } = require('concurrently');
  // Each app with the heap cap the Docker image sets (platform's app-heap says why), unless NODE_OPTIONS names one.
  const flags = platform.appNodeFlags(env).join(' ');
  const run = (app) => `node ${flags} ${JSON.stringify(path.join(root, 'tools/run.js'))} apps/${app}/src/main`;
  const { result } = concurrently(
    [
      ...(env.NODE_ENV === 'production'
        ? []
        : [{ command: run('fake-fullstory'), name: 'fake', prefixColor: 'magenta' }]),
      { command: run('ingest-api'), name: 'ingest', prefixColor: 'cyan' },
      { command: run('delivery-worker'), name: 'worker', prefixColor: 'green' },
    ],
    { prefix: '[{name}]', killOthersOn: ['failure'], restartTries: 0, cwd: root },
  );
  result.then(
    () => process.exit(0),
    (events) => {
      const failed = events.filter((e) => e.exitCode !== 0 && e.exitCode !== 'SIGINT' && e.exitCode !== 'SIGTERM');
      process.exit(failed.length > 0 ? 1 : 0);
    },
  );
}

main().catch((e) => {
  console.error(`[start] ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
