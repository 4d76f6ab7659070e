#!/usr/bin/env node
// `pnpm test:mutation <target>...`: StrykerJS (jest runner) over the code that decides things, one
// target at a time (each mutant reruns the unit tests that cover it, so a whole-repository run
// takes hours on two cores). Reports go to reports/mutation/<target>/ (HTML and JSON; gitignored);
// incremental mode reuses the previous results of unchanged code and tests. Not part of `pnpm test`.
// Results and survivors are recorded in docs/testing.md.
import { spawnSync } from 'node:child_process';
import { TARGETS } from './mutation-targets.mjs';

// Arguments after the targets are passed to `stryker run` (e.g. `--mutate <file>` for one file).
const args = process.argv.slice(2);
const firstOption = args.findIndex((a) => a.startsWith('-'));
const asked = firstOption === -1 ? args : args.slice(0, firstOption);
const passed = firstOption === -1 ? [] : args.slice(firstOption);
const unknown = asked.filter((t) => !(t in TARGETS));
if (asked.length === 0 || unknown.length) {
  console.error(
    `usage: pnpm test:mutation <${Object.keys(TARGETS).join('|')}>... [stryker options]${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`,
  );
  process.exit(2);
}
let failed = 0;
for (const target of asked) {
  console.log(`\n=== mutation testing: ${target}`);
  const r = spawnSync('node_modules/.bin/stryker', ['run', 'stryker.config.mjs', ...passed], {
    stdio: 'inherit',
    env: { ...process.env, ARCP_MUTATION_TARGET: target, ARCP_MUTATION_ROOT: TARGETS[target].root },
  });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
