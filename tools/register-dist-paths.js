'use strict';
// Maps the @fsd/* aliases of tsconfig.base.json onto the compiled libraries in dist/.
const path = require('path');
const tsconfigPaths = require('tsconfig-paths');

function register(root) {
  const { compilerOptions } = require(path.join(root, 'tsconfig.base.json'));
  const paths = {};
  for (const [alias, targets] of Object.entries(compilerOptions.paths)) {
    paths[alias] = targets.map((t) => t.replace(/\.ts$/, '.js'));
  }
  tsconfigPaths.register({ baseUrl: path.join(root, 'dist'), paths, addMatchAll: false });
}

module.exports = { register };
