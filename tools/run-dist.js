#!/usr/bin/env node
// Production entry point: runs an already compiled app from dist/ (no TypeScript needed at run time).
'use strict';
const path = require('path');
const root = path.resolve(__dirname, '..');
const target = process.argv[2];
if (!target) {
  process.stderr.write('usage: node tools/run-dist.js apps/<app>/src/main\n');
  process.exit(2);
}
require('./register-dist-paths').register(root);
process.argv.splice(1, 2, path.join(root, 'dist', target + '.js'));
// Run it as the main module, so `require.main === module` holds in the entry point.
require('module').runMain();
