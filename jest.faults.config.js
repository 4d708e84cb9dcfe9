// Fault suite: the real, built apps against real Postgres and Redis while things break (npm run test:faults).
module.exports = {
  ...require('./jest.preset'),
  testMatch: ['<rootDir>/test/faults/**/*.fault-spec.ts'],
  testTimeout: 180000,
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
};
