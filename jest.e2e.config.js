// End-to-end tests start the real, built apps against real Postgres and Redis.
module.exports = {
  ...require('./jest.preset'),
  testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
  testTimeout: 120000,
  testSequencer: '<rootDir>/test/support/slowest-first.sequencer.js',
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
};
