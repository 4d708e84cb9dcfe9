// Compile once before any e2e suite starts apps, so child processes never race to rebuild dist/.
// Each run gets its own Redis key namespace (fsdtest_<run>_*), so two runs on one machine (two checkouts, a
// developer's run beside CI) never delete each other's queues when one of them tears down.
module.exports = async () => {
  const path = require('path');
  const { randomBytes } = require('crypto');
  process.env.FSD_TEST_RUN = process.env.FSD_TEST_RUN || randomBytes(4).toString('hex');
  require(path.resolve(__dirname, '../../tools/build-if-stale')).ensureBuilt(path.resolve(__dirname, '../..'));
};
