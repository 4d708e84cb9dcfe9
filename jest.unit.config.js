// Unit tests live beside the code as *.spec.ts; pact tests run in their own config.
module.exports = {
  ...require('./jest.preset'),
  testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '\\.pact\\.spec\\.ts$'],
};
