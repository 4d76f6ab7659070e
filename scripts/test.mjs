#!/usr/bin/env node
// The project's test command: typecheck, lint, format check, dependency rules, dead code, build (and the dashboard page), unit tests (parallel), integration tests (in band,
// real nats-server), then the list of skipped tests with their reasons and one plain closing line
// `N passed, N failed, N skipped` computed from Jest's JSON reports. Exits non-zero when any step
// fails, and under CI=true when a test skipped that scripts/skip-allowlist.json does not allow.
// Extra args are passed to both Jest runs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';

const extra = process.argv.slice(2);
const reports = '.reports';
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

const bin = (name) => `node_modules/.bin/${name}`;
function run(label, cmd, args) {
  const started = Date.now();
  console.log(`\n=== ${label}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`=== ${label}: ${r.status === 0 ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`} in ${secs}s`);
  return r.status === 0;
}

const steps = [];
steps.push(['typecheck', run('typecheck', bin('tsc'), ['-p', 'tsconfig.json'])]);
// The dashboard page (browser code) has its own program: DOM types and JSX.
steps.push(['typecheck page', run('typecheck page', bin('tsc'), ['-p', 'packages/dashboard-ui/tsconfig.app.json'])]);
steps.push(['lint', run('lint', bin('eslint'), ['--max-warnings=0', '.'])]);
// One layout for all code (.prettierrc.json); `pnpm format` fixes what this reports.
steps.push(['format', run('format', bin('prettier'), ['--check', '--log-level', 'warn', '**/*.{ts,tsx,js,mjs,cjs}'])]);
// The dependency rules of the tree (.dependency-cruiser.cjs) and no unused files, exports or dependencies.
steps.push(['dependencies', run('dependencies', bin('depcruise'), ['--config', '.dependency-cruiser.cjs', 'packages', 'services'])]);
steps.push(['dead code', run('dead code', bin('knip'), ['--no-progress'])]);
// The images run compiled output, so the project-reference build must keep working too.
steps.push(['build', run('build', bin('tsc'), ['-b', 'tsconfig.build.json'])]);
// Every mode and image serves the bundled dashboard page, so its build must keep working too.
steps.push(['build page', run('build page', bin('tsx'), ['--conditions=@arcp/source', 'packages/dashboard-ui/src/build/cli.ts'])]);
const jest = (project, more) =>
  run(`jest ${project}`, bin('jest'), [
    '--selectProjects',
    project,
    '--json',
    `--outputFile=${reports}/${project}.json`,
    ...more,
    ...extra,
  ]);
steps.push(['unit', jest('unit', ['--maxWorkers=2'])]);
steps.push(['integration', jest('integration', ['--runInBand', '--forceExit'])]);

const totals = { passed: 0, failed: 0, skipped: 0 };
for (const project of ['unit', 'integration']) {
  try {
    const r = JSON.parse(readFileSync(`${reports}/${project}.json`, 'utf8'));
    totals.passed += r.numPassedTests;
    totals.failed += r.numFailedTests;
    totals.skipped += r.numPendingTests + r.numTodoTests;
    // A suite that fails to load has no failing test; count it so it cannot pass silently.
    totals.failed += r.testResults.filter((s) => s.status === 'failed' && s.assertionResults.length === 0).length;
  } catch {
    console.log(`no Jest report for ${project}`);
  }
}
// Skipped tests: every one is listed with its reason; under CI=true a skip that the allow-list
// (scripts/skip-allowlist.json) does not name fails the run, so a missing tool never passes silently.
const allow = JSON.parse(readFileSync('scripts/skip-allowlist.json', 'utf8')).allow.map((a) => ({ ...a, re: new RegExp(a.pattern) }));
const skips = [];
for (const project of ['unit', 'integration']) {
  try {
    const r = JSON.parse(readFileSync(`${reports}/${project}.json`, 'utf8'));
    for (const suite of r.testResults) {
      for (const a of suite.assertionResults) {
        if (a.status === 'passed' || a.status === 'failed') continue;
        const entry = allow.find((e) => e.re.test(a.fullName));
        skips.push({ name: `${project}: ${a.fullName}`, status: a.status, reason: entry?.reason });
      }
    }
  } catch {
    // Reported above.
  }
}
if (skips.length) {
  console.log(`\nskipped tests (${skips.length}):`);
  for (const s of skips)
    console.log(`  [${s.status}] ${s.name}\n      ${s.reason ? `allowed: ${s.reason}` : 'NOT on scripts/skip-allowlist.json'}`);
}
const unlisted = skips.filter((s) => !s.reason);
if (process.env.CI === 'true' && unlisted.length) {
  console.log(`\n${unlisted.length} skipped test(s) not on scripts/skip-allowlist.json: CI=true refuses to skip them`);
  steps.push(['skips', false]);
}
const failedSteps = steps.filter(([, ok]) => !ok).map(([name]) => name);
if (failedSteps.length) console.log(`\nfailed steps: ${failedSteps.join(', ')}`);
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedSteps.length || totals.failed ? 1 : 0);
