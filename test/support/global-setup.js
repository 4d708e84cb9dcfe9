// Compile once before any e2e suite starts apps, so child processes never race to rebuild dist/.
// Each run gets its own Redis key namespace (fsdtest_<run>_*), so two runs on one machine (two checkouts, a
// developer's run beside CI) never delete each other's queues when one of them tears down.
// Then the run's template database is migrated once: each spec's database on this server is a copy of it
// (stack.ts, copyTemplateDatabase), ~0.1 s of Postgres instead of ~0.7 s of migrations per stack.
module.exports = async () => {
  const path = require('path');
  const { randomBytes } = require('crypto');
  const root = path.resolve(__dirname, '../..');
  process.env.FSD_TEST_RUN = process.env.FSD_TEST_RUN || randomBytes(4).toString('hex');
  require(path.resolve(root, 'tools/build-if-stale')).ensureBuilt(root);
  require(path.resolve(root, 'tools/register-dist-paths')).register(root);
  const { prepareDatabase } = require(path.resolve(root, 'dist/libs/platform/src/index.js'));
  process.env.FSD_TEST_TEMPLATE_DB = `fsd_test_template_${process.env.FSD_TEST_RUN}`;
  await prepareDatabase(`postgres://postgres@127.0.0.1:5432/${process.env.FSD_TEST_TEMPLATE_DB}`);
};
