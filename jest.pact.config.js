// Pact consumer tests write libs/fullstory-contracts/pacts; provider verification replays them against the real fake.
module.exports = {
  ...require('./jest.preset'),
  testMatch: ['<rootDir>/libs/fullstory-contracts/**/*.pact.spec.ts'],
  testTimeout: 120000,
  globalSetup: '<rootDir>/test/support/global-setup.js',
};
