// StrykerJS configuration for `pnpm test:mutation <target>` (scripts/mutation.mjs picks the
// target through ARCP_MUTATION_TARGET). Unit tests only, with the workspace's Jest transform.
import { TARGETS } from './scripts/mutation-targets.mjs';

// `stryker run` on its own (no target named) mutates the protocol package.
const name = process.env.ARCP_MUTATION_TARGET ?? 'protocol';
const target = TARGETS[name];
if (!target) throw new Error(`ARCP_MUTATION_TARGET must be one of ${Object.keys(TARGETS).join(', ')}`);
const out = `reports/mutation/${name}`;
process.env.ARCP_MUTATION_ROOT = target.root;

export default {
  testRunner: 'jest',
  // pnpm does not hoist the runner where Stryker's plugin discovery looks: name it.
  plugins: ['@stryker-mutator/jest-runner'],
  jest: { configFile: 'scripts/jest.mutation.config.cjs', enableFindRelatedTests: true },
  mutate: [...target.mutate, '!**/*.test.ts', '!**/test-support/**', '!**/index.ts'],
  coverageAnalysis: 'perTest',
  // Module-level mutants (schema and table definitions) need the whole suite per mutant: hours on
  // two cores. They are left out; docs/testing.md says what that leaves untested.
  ignoreStatic: true,
  // Two shared cores: one test process at a time.
  concurrency: 1,
  incremental: true,
  incrementalFile: `${out}/incremental.json`,
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: `${out}/index.html` },
  jsonReporter: { fileName: `${out}/mutation.json` },
  tempDirName: `.stryker-tmp/${name}`,
  cleanTempDir: 'always',
  ignorePatterns: ['**/dist', 'reports', '.reports', 'bench', 'docs', 'k8s', 'ops', 'schemas', '**/*.tsbuildinfo'],
  timeoutMS: 10000,
  thresholds: { high: 90, low: 80, break: null },
};
