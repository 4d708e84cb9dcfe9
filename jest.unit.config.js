// Unit tests live beside the code as *.spec.ts (also the pure helpers of test/*/support); pact tests run in their own config.
module.exports = {
  ...require('./jest.preset'),
  testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts', '<rootDir>/test/**/support/**/*.spec.ts'],
  // The repository specs migrate a database of their own in beforeAll and drop it in afterAll: seconds each on a
  // loaded machine, past Jest's default 5 s for a hook.
  testTimeout: 60_000,
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '\\.pact\\.spec\\.ts$'],
};
