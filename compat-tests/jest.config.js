'use strict';
// The compat project as a config of its own (so it can carry globalSetup / globalTeardown):
// the root jest.config.js can list '<rootDir>/compat-tests/jest.config.js' among its projects.
// Run alone: npx jest -c compat-tests/jest.config.js
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] };
module.exports = {
  displayName: 'compat',
  rootDir: '..',
  testEnvironment: 'node',
  transform,
  testMatch: ['<rootDir>/compat-tests/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/compat-tests/java/', '/compat-tests/go/', '/compat-tests/.cache/'],
  globalSetup: '<rootDir>/compat-tests/lib/global-setup.ts',
  globalTeardown: '<rootDir>/compat-tests/lib/global-teardown.ts',
};
