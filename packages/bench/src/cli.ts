/**
 * `pnpm bench [name ...] [--quick] [--results DIR] [--report FILE|--no-report] [--nats URL]`
 *
 * Runs the named benchmarks (default: all, in the order below) against the product's gateway
 * processes (from the compiled build, brought up to date first) and the ws baseline, with the
 * servers on CPU 0 and everything else (this harness, wsload, the feeder, nats-server, the
 * registry) on CPU 1. Each benchmark has a time budget;
 * results are appended to `packages/bench/results/<bench>.jsonl` and BENCHMARKS.md is re-rendered.
 * `--quick` runs tiny sizes for a few seconds (the smoke test): its lines are marked `quick` and
 * never rendered. Every child process is killed on exit, Ctrl-C or error.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { BENCHES } from './benches';
import { gitCommit, machine } from './lib/machine';
import { buildProduct, ROOT } from './lib/node-proc';
import { installSignalCleanup, killAll, pin, withTimeout } from './lib/procs';
import { appendResults, renderReport } from './lib/results';
import { CLIENT_CPU, startNats } from './lib/servers';
import { waitQuiet } from './lib/window';
import type { ResultLine, RunContext } from './lib/types';
import { BENCH_DIR, ensureWsload } from './lib/wsload';

/** Progress on stdout (console.log is reserved for tests and scripts by the lint rules). */
const say = (line: string) => void process.stdout.write(`${line}\n`);

function parseArgs(argv: string[]) {
  const names: string[] = [];
  let quick = false;
  let resultsDir = join(BENCH_DIR, 'results');
  let report: string | undefined = join(ROOT, 'BENCHMARKS.md');
  let nats: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') quick = true;
    else if (a === '--results') resultsDir = argv[++i] ?? resultsDir;
    else if (a === '--report') report = argv[++i];
    else if (a === '--no-report') report = undefined;
    else if (a === '--nats') nats = argv[++i];
    else if (a !== '--') names.push(a);
  }
  return { names, quick, resultsDir, report, nats };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const unknown = args.names.filter((n) => !BENCHES.some((b) => b.name === n));
  if (unknown.length) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${BENCHES.map((b) => b.name).join(', ')}`);
    return 2;
  }
  const selected = args.names.length ? BENCHES.filter((b) => args.names.includes(b.name)) : BENCHES;
  installSignalCleanup();
  await pin(process.pid, CLIENT_CPU);
  ensureWsload();
  // The product's processes run from the compiled build, as the images run them (node-proc.ts).
  buildProduct();
  const runId = `${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomBytes(2).toString('hex')}`;
  const mach = machine();
  const commit = gitCommit();
  say(`bench run ${runId}: ${selected.map((b) => b.name).join(', ')}${args.quick ? ' (quick)' : ''}`);
  say(
    `machine: ${mach.cpu_model}, ${mach.cores} cores, kernel ${mach.kernel}, node ${mach.node}, load ${mach.load_avg_1m}; commit ${commit}`,
  );
  // An existing server (--nats URL, e.g. the test suite's) or our own, pinned to the client CPU.
  const nats = args.nats ? { url: args.nats, pid: 0, stop: async () => {} } : await startNats();
  let failed = 0;
  // `pnpm bench` must stay under 15 minutes: a benchmark whose budget would end past 14.5 is skipped.
  const runDeadline = Date.now() + 14.5 * 60_000;
  try {
    for (const bench of selected) {
      const started = Date.now();
      if (started + bench.budgetS * 1000 > runDeadline) {
        say(
          `\n== ${bench.name}: SKIPPED, its ${bench.budgetS} s budget would end past the run's 14.5-minute mark (run it alone: pnpm bench ${bench.name})`,
        );
        failed++;
        continue;
      }
      const budgetMs = (args.quick ? Math.min(bench.budgetS, 60) : bench.budgetS) * 1000;
      const ctx: RunContext = {
        runId,
        natsUrl: nats.url,
        natsPid: nats.pid,
        quick: args.quick,
        resultsDir: args.resultsDir,
        deadline: started + budgetMs,
        log: say,
      };
      say(`\n== ${bench.name}: ${bench.title} (budget ${Math.round(budgetMs / 1000)} s)`);
      // The box is shared: give other people's jobs up to 10 s to finish before we start.
      const busyAtStart = args.quick ? [] : await waitQuiet(10_000);
      if (busyAtStart.some((b) => b >= 0.25))
        say(`  box still busy at start (${busyAtStart.map((b) => b.toFixed(2)).join('/')}): figures may understate`);
      try {
        // The budget stops ladders early; the hard bound adds room for teardown.
        const cases = await withTimeout(bench.run(ctx), budgetMs + 120_000, `benchmark ${bench.name}`);
        const lines: ResultLine[] = cases.map((c) => ({
          bench: bench.name,
          run_id: runId,
          date: new Date().toISOString(),
          commit,
          machine: mach,
          quick: args.quick,
          box_busy_at_start: busyAtStart,
          ...c,
        }));
        const file = appendResults(args.resultsDir, bench.name, lines);
        for (const l of lines)
          say(`  ${l.case}: target ${l.target.met === null ? 'n/a' : l.target.met ? 'met' : `missed (${l.target.reason})`}`);
        say(`== ${bench.name} done in ${((Date.now() - started) / 1000).toFixed(0)} s → ${file}`);
      } catch (err) {
        failed++;
        console.error(`== ${bench.name} FAILED: ${(err as Error).stack ?? String(err)}`);
        killAll();
      }
    }
  } finally {
    await nats.stop();
  }
  if (args.report && !args.quick) {
    renderReport(args.report, args.resultsDir, BENCHES);
    say(`\nreport: ${args.report}`);
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    killAll();
    process.exit(code);
  },
  (err) => {
    console.error(err);
    killAll();
    process.exit(1);
  },
);
