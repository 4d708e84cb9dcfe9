// Pact consumer tests write libs/fullstory-contracts/pacts; provider verification replays them against the real fake.
module.exports = {
  ...require('./jest.preset'),
  // Consumer tests (libs/fullstory-contracts) write the pact; the provider (apps/fake-fullstory) verifies it.
  testMatch: [
    '<rootDir>/libs/fullstory-contracts/**/*.pact.spec.ts',
    '<rootDir>/apps/fake-fullstory/**/*.pact.spec.ts',
  ],
  testTimeout: 120000,
  globalSetup: '<rootDir>/test/support/global-setup.js',
};
