// Runs the longest spec files first, so that two Jest workers finish together instead of one running a long file
// alone at the end. Jest orders by the durations it cached in an earlier run, which a fresh clone (CI) does not have;
// then it falls back to file size, which says little about how long an end-to-end file runs.
const Sequencer = require('@jest/test-sequencer').default;

// Basenames, longest first: seconds measured in full e2e and fault runs on a 2-core machine (two files at a time).
const LONGEST = [
  'replay-100k.e2e-spec.ts', // 167 s
  'delivery-workers.e2e-spec.ts', // 79 s
  'batch-replay-200k.e2e-spec.ts', // 60 s
  'hostile-text.e2e-spec.ts', // 58 s
  'production-start.e2e-spec.ts', // 54 s
  'security-redis.e2e-spec.ts', // 46 s
  'batch-replay.e2e-spec.ts', // 44 s
  'config-ui.e2e-spec.ts', // 42 s
  // The fault suite's
  'postgres.fault-spec.ts', // 65-89 s (a 30 s outage)
  'workers.fault-spec.ts', // 55-74 s
  'fullstory.fault-spec.ts', // 36-61 s
  'cluster.fault-spec.ts', // 38-42 s
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
