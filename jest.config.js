'use strict';
// Two projects: `unit` (fast tests beside the code and black-box TCP tests under test/)
// and `compat` (official Java and Go clients against our nodes or the Java reference).
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] };
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts', '<rootDir>/tools/**/*.test.ts'],
    },
    // compat-tests/jest.config.js carries the compat project's globalSetup (installs and builds
    // once before the workers start) and globalTeardown (prints the whole matrix at the end).
    '<rootDir>/compat-tests/jest.config.js',
  ],
};
