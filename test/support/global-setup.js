// Compile once before any e2e suite starts apps, so child processes never race to rebuild dist/.
module.exports = async () => {
  const path = require('path');
  require(path.resolve(__dirname, '../../tools/build-if-stale')).ensureBuilt(path.resolve(__dirname, '../..'));
};
