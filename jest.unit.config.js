// Unit tests live beside the code as *.spec.ts (also the pure helpers of test/*/support); pact tests run in their own config.
module.exports = {
  ...require('./jest.preset'),
  testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts', '<rootDir>/test/**/support/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '\\.pact\\.spec\\.ts$'],
  // Repository specs create, migrate and drop a real database in their hooks; on a loaded 2-core machine that
  // outlasts jest's 5 s default. A deadline, not a speed check: a hung hook still fails.
  testTimeout: 60_000,
};
