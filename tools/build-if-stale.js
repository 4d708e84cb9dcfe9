'use strict';
// Compiles the workspace with tsc when dist/ is missing or any source is newer than the last build.
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

function newestMtime(dir) {
  let newest = 0;
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

function ensureBuilt(root) {
  const stamp = path.join(root, 'dist', '.tsbuildinfo');
  let built = 0;
  try {
    built = fs.statSync(stamp).mtimeMs;
  } catch {
    built = 0;
  }
  const sources = Math.max(
    newestMtime(path.join(root, 'apps')),
    newestMtime(path.join(root, 'libs')),
    newestMtime(path.join(root, 'bench')),
  );
  if (built && sources <= built) return;
  process.stderr.write('Compiling TypeScript (dist/ is missing or stale)...\n');
  const tsc = require.resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], {
    cwd: root,
    stdio: ['ignore', process.stderr, process.stderr],
  });
  // tsc leaves .tsbuildinfo untouched when nothing changed; touch it so the check above stays cheap.
  const now = new Date();
  if (fs.existsSync(stamp)) fs.utimesSync(stamp, now, now);
}

module.exports = { ensureBuilt };

if (require.main === module) ensureBuilt(path.resolve(__dirname, '..'));
