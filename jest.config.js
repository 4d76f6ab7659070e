// Three projects: fast unit tests (*.test.ts, parallel), integration tests (*.int.test.ts, in
// band, against a real nats-server started by @arcp/testkit's global setup), and the deployment
// suite (*.deploy.test.ts, run by `pnpm test:deploy` against the compose stack it starts).
/** @type {import('jest').Config} */
const shared = {
  testEnvironment: 'node',
  // Workspace packages resolve to their TypeScript source: no build before testing.
  testEnvironmentOptions: { customExportConditions: ['@arcp/source', 'node', 'require', 'default'] },
  transform: {
    '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { target: 'es2023', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json', 'node'],
  roots: ['<rootDir>/packages', '<rootDir>/services'],
};

module.exports = {
  // Integration tests start real processes; unit tests never come near this bound.
  testTimeout: 30000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['**/src/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.int\\.test\\.ts$', '\\.deploy\\.test\\.ts$'],
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['**/src/**/*.int.test.ts'],
      globalSetup: '<rootDir>/packages/testkit/src/global-setup.ts',
      globalTeardown: '<rootDir>/packages/testkit/src/global-teardown.ts',
    },
    {
      // `pnpm test:deploy` only: the compose stack its driver started (packages/e2e/src/deploy).
      ...shared,
      displayName: 'deploy',
      testMatch: ['**/src/**/*.deploy.test.ts'],
    },
  ],
};
