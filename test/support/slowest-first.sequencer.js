// Runs the longest spec files first, so that two Jest workers finish together instead of one running a long file
// alone at the end. Jest orders by the durations it cached in an earlier run, which a fresh clone (CI) does not have;
// then it falls back to file size, which says little about how long an end-to-end file runs.
const Sequencer = require('@jest/test-sequencer').default;

// Basenames, longest first: seconds measured in a full e2e run on a 2-core machine (two files at a time). The fault
// suite keeps Jest's order: run first beside the workers scenario, the Postgres crash scenario once found no request
// in flight at the moment it needs some.
const LONGEST = [
  'replay-100k.e2e-spec.ts', // 167 s
  'delivery-workers.e2e-spec.ts', // 79 s
  'batch-replay-200k.e2e-spec.ts', // 60 s
  'hostile-text.e2e-spec.ts', // 58 s
  'production-start.e2e-spec.ts', // 54 s
  'security-redis.e2e-spec.ts', // 46 s
  'batch-replay.e2e-spec.ts', // 44 s
  'config-ui.e2e-spec.ts', // 42 s
];

const rank = (test) => {
  const at = LONGEST.indexOf(require('path').basename(test.path));
  return at === -1 ? LONGEST.length : at;
};

class SlowestFirstSequencer extends Sequencer {
  sort(tests) {
    // Jest's own order (cached durations, then size) for the rest; a stable sort keeps it.
    return super.sort(tests).sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = SlowestFirstSequencer;
