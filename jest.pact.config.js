// Pact: the consumer specs (libs/fullstory-contracts) write the pact into a fresh per-run directory, the
// committed-pact spec checks libs/fullstory-contracts/pacts holds exactly that file, and the provider spec
// (apps/fake-fullstory) verifies that same file against the real fake. The sequencer fixes this order.
module.exports = {
  ...require('./jest.preset'),
  testMatch: [
    '<rootDir>/libs/fullstory-contracts/**/*.pact.spec.ts',
    '<rootDir>/apps/fake-fullstory/**/*.pact.spec.ts',
  ],
  // One after the other in this order: the provider and the committed-pact check read what the consumers wrote.
  maxWorkers: 1,
  testTimeout: 120000,
  globalSetup: '<rootDir>/libs/fullstory-contracts/src/pact/jest-global-setup.js',
  testSequencer: '<rootDir>/libs/fullstory-contracts/src/pact/jest-sequencer.js',
};
