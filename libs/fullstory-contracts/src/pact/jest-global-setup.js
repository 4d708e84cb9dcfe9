// Pact runs (jest.pact.config.js): a fresh directory per run for the consumer's pact, so the provider
// verification and the committed-pact check can only read the file written earlier in this same run.
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

module.exports = async () => {
  process.env.FSD_PACT_RUN_DIR = mkdtempSync(join(tmpdir(), 'fsd-pact-'));
};
