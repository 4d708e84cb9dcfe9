// Unit tests live beside the code as *.spec.ts (also the pure helpers of test/*/support); pact tests run in their own config.
module.exports = {
  ...require('./jest.preset'),
  testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts', '<rootDir>/test/**/support/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '\\.pact\\.spec\\.ts$'],
};
