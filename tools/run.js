#!/usr/bin/env node
// Runs a compiled entry point from dist/ with the workspace path aliases resolved to compiled libs.
// Usage: node tools/run.js apps/ingest-api/src/main [args...]
// Rebuilds first (output on stderr) when dist/ is missing or older than the TypeScript sources,
// so `npm run preview` and `npm start` never run stale code.
'use strict';
const path = require('path');
const { ensureBuilt } = require('./build-if-stale');

const root = path.resolve(__dirname, '..');
const target = process.argv[2];
if (!target) {
  process.stderr.write('usage: node tools/run.js <entry without extension, relative to the repository> [args...]\n');
  process.exit(2);
}
ensureBuilt(root);
require('./register-dist-paths').register(root);
process.argv.splice(1, 2, path.join(root, 'dist', target.replace(/\.(ts|js)$/, '') + '.js'));
// Run it as the main module, so `require.main === module` holds in the entry point.
require('module').runMain();
