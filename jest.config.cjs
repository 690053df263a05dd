// Tests run the TypeScript sources directly (no build step needed): ts-jest transpiles each file to
// CommonJS and `@graphium/*` resolves to the package sources. Type checking is `tsc -b`'s job.
const path = require('node:path');

const project = (name, rootDir = path.join(__dirname, 'packages', name)) => ({
  displayName: name,
  rootDir,
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(__dirname, 'tsconfig.jest.json') }],
  },
  moduleNameMapper: {
    '^@graphium/([a-z]+)$': path.join(__dirname, 'packages/$1/src/index.ts'),
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
});

module.exports = {
  projects: [
    ...['shared', 'controller', 'agent', 'cli'].map((name) => project(name)),
    // End to end: built controller, agent and CLI processes against the real dockerd test hosts.
    project('e2e', path.join(__dirname, 'e2e')),
  ],
};
