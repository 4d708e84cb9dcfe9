// Explicit run order of the pact specs: consumers (write the pact), then the committed-pact check, then the
// provider verification (reads it). Any other pact spec runs last.
const Sequencer = require('@jest/test-sequencer').default;

const ORDER = [
  /libs\/fullstory-contracts\/.*\/(consumer|idempotency|batch)\.pact\.spec\.ts$/,
  /libs\/fullstory-contracts\/.*\/committed-pact\.pact\.spec\.ts$/,
  /apps\/fake-fullstory\/.*\.pact\.spec\.ts$/,
];

const rank = (path) => {
  const i = ORDER.findIndex((re) => re.test(path.split('\\').join('/')));
  return i === -1 ? ORDER.length : i;
};

class PactSequencer extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path));
  }
}

module.exports = PactSequencer;
