/**
 * `pnpm test:deploy [jest args]`: docker-compose.yml on a real Docker engine.
 *
 *   engine  → a Docker engine and Compose answer (else the setup tool, see engine.ts)
 *   build   → the shared stages, then each service image, with the repository's Dockerfile
 *   up      → every service but Grafana (no image here), generated secrets, free host ports;
 *             waits for every healthcheck
 *   suite   → Jest project `deploy` (stack.deploy.test.ts) through the edge
 *   down -v → always: after success, failure, Ctrl-C or SIGTERM
 *
 * Each step prints its result and duration; the end is one summary table with the measured
 * figures. Exit status 0 only when every step and every test passed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@arcp/testkit';
import { suiteEnv } from '../topology';
import { ensureEngine } from './engine';
import { buildableServices, ImageBuilder } from './images';
import { ComposeStack, ROOT, type StackSpec } from './stack';
import { secs, StepLog } from './steps';
import { MEASURE_ENV } from './topology';

/** Compose services the stack runs: all but Grafana (its image cannot be had offline). */
const SERVICES = ['nats', 'registry', 'metrics', 'gateway-public', 'gateway-agents', 'gateway-dashboard', 'edge', 'prometheus'];
const SECRETS = ['JWT_SECRET', 'ADMIN_USERNAME', 'ADMIN_PASSWORD', 'AGENT_KEYS'];
const PREFIX = process.env.ARCP_IMAGE_PREFIX || 'arcp';
/** Not the release tag: a deployment of the user's own is never retagged by a test run. */
const TAG = process.env.ARCP_DEPLOY_TAG || 'deploy-test';

/** The stack's description: project, secrets, ports, and the suite's settings as an override. */
async function stackSpec(compose: string[], dir: string): Promise<StackSpec> {
  // The suite's settings; logs at info, so a failure's `docker logs` show reconnections too.
  const serviceEnv: Record<string, string> = { ...suiteEnv(), LOG_LEVEL: 'info' };
  const tunables = Object.fromEntries(Object.entries(serviceEnv).filter(([k]) => !SECRETS.includes(k)));
  const apps = buildableServices().map((s) => s.service);
  const override = join(dir, 'compose.suite.json');
  // JSON is YAML: the suite's short intervals and small caps for each app service, no secrets.
  writeFileSync(override, JSON.stringify({ services: Object.fromEntries(apps.map((s) => [s, { environment: tunables }])) }, null, 2));
  const [edgePort, prometheusPort, grafanaPort] = [await freePort(), await freePort(), await freePort()];
  return {
    compose,
    project: `arcpdeploy${randomBytes(4).toString('hex')}`,
    files: [join(ROOT, 'docker-compose.yml'), override],
    vars: {
      ...Object.fromEntries(SECRETS.map((k) => [k, serviceEnv[k]!])),
      GRAFANA_ADMIN_PASSWORD: randomBytes(18).toString('base64url'),
      AGENT_HEARTBEAT_TIMEOUT: serviceEnv.AGENT_HEARTBEAT_TIMEOUT!,
      LOG_LEVEL: serviceEnv.LOG_LEVEL!,
      ARCP_EDGE_PORT: String(edgePort),
      PROMETHEUS_PORT: String(prometheusPort),
      GRAFANA_PORT: String(grafanaPort),
      ARCP_IMAGE_PREFIX: PREFIX,
      ARCP_VERSION: TAG,
    },
    edgePort,
    prometheusPort,
    serviceEnv,
  };
}

/** `up`, retried on fresh ports when one was taken between choosing it and binding it. */
async function upOnFreePorts(spec: StackSpec, dir: string, onStack: (s: ComposeStack) => void): Promise<ComposeStack> {
  for (let attempt = 1; ; attempt++) {
    const stack = new ComposeStack(attempt === 1 ? spec : { ...(await stackSpec(spec.compose, dir)), project: spec.project });
    onStack(stack);
    try {
      await stack.up(SERVICES);
      return stack;
    } catch (err) {
      if (attempt >= 3 || !/already allocated|address already in use/i.test((err as Error).message)) throw err;
      await stack.down();
    }
  }
}

function runJest(stack: ComposeStack, report: string, measurements: string, onChild: (c: ChildProcess) => void): Promise<number | null> {
  const args = ['--selectProjects', 'deploy', '--runInBand', '--verbose', '--json', `--outputFile=${report}`, ...process.argv.slice(2)];
  const child = spawn(join(ROOT, 'node_modules/.bin/jest'), args, {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, ...stack.toEnv(), [MEASURE_ENV]: measurements },
  });
  onChild(child);
  return new Promise((resolve) => child.on('close', (code) => resolve(code)));
}

interface JestReport {
  testResults: Array<{
    assertionResults: Array<{ fullName: string; status: string; duration?: number | null }>;
    message: string;
    status: string;
  }>;
}

async function main(): Promise<number> {
  const startedAll = Date.now();
  const log = new StepLog();
  const dir = mkdtempSync(join(tmpdir(), 'arcp-deploy-'));
  const reports = join(ROOT, '.reports');
  mkdirSync(reports, { recursive: true });
  const report = join(reports, 'deploy.json');
  const measurements = join(reports, 'deploy-measurements.jsonl');
  rmSync(report, { force: true });
  rmSync(measurements, { force: true });
  let stack: ComposeStack | null = null;
  let jest: ChildProcess | null = null;

  let tearing: Promise<void> | null = null;
  const teardown = () =>
    (tearing ??= (async () => {
      if (stack) {
        const s = stack;
        await log
          .run('down -v', async () => {
            const r = await s.down();
            if (r.code !== 0) throw new Error(r.output.slice(-2000));
          })
          .catch(() => undefined);
      }
      rmSync(dir, { recursive: true, force: true });
    })());
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      process.stderr.write(`\n${signal}: tearing the stack down\n`);
      jest?.kill('SIGTERM');
      void teardown().finally(() => process.exit(130));
    });
  }

  try {
    const engine = await log.run(
      'engine',
      () => ensureEngine(),
      (e) => `${e.setupMs === null ? 'answered' : `set up in ${secs(e.setupMs)}`}; compose: ${e.compose.join(' ')}`,
    );
    const builder = new ImageBuilder({ prefix: PREFIX, tag: TAG, verbose: process.env.ARCP_DEPLOY_VERBOSE === '1' });
    await log.run(
      'build shared stages (dependency install, workspace compile)',
      () => builder.workspace(),
      (r) => (r.cached ? 'all cached' : undefined),
    );
    for (const { service, arg } of buildableServices()) {
      await log.run(
        `build image ${service}`,
        () => builder.service(service, arg),
        (r) => `${r.image}${r.cached ? ', all cached' : ''}`,
      );
    }
    await log.run(
      'remove images the builds replaced',
      () => builder.removeReplaced(),
      (n) => `${n} removed`,
    );
    const spec = await stackSpec(engine.compose, dir);
    await log.run(
      `compose up: ${SERVICES.join(', ')}`,
      () => upOnFreePorts(spec, dir, (s) => (stack = s)),
      (s) => `project ${s.spec.project}, edge :${s.spec.edgePort}, prometheus :${s.spec.prometheusPort}`,
    );
    const counts = Object.fromEntries(SERVICES.map((s) => [s, 1]));
    await log.run('every healthcheck passing', () => stack!.waitHealthy(counts, { timeoutMs: 180_000 }));
    await log.run('deployment suite through the edge (jest project deploy)', async () => {
      const code = await runJest(stack!, report, measurements, (c) => (jest = c));
      jest = null;
      if (code !== 0) throw new Error(`jest exited ${code}`);
    });
  } catch (err) {
    process.stderr.write(`\n${(err as Error).message}\n`);
  } finally {
    await teardown();
  }

  if (existsSync(report)) {
    const r = JSON.parse(readFileSync(report, 'utf8')) as JestReport;
    for (const file of r.testResults) {
      if (file.status === 'failed' && file.assertionResults.length === 0)
        log.record({ name: 'test file failed to run', ok: false, ms: 0, note: file.message.split('\n')[0] }, true);
      for (const t of file.assertionResults) {
        // Skipped only on request (jest arguments such as -t); under CI a full run skips nothing.
        const filtered = process.argv.length > 2 && process.env.CI !== 'true';
        if (t.status === 'pending' || t.status === 'todo')
          log.record({ name: `test: ${t.fullName}`, ok: false, ms: 0, note: 'skipped', skipped: filtered }, true);
        else log.record({ name: `test: ${t.fullName}`, ok: t.status === 'passed', ms: t.duration ?? 0 }, true);
      }
    }
  }
  const measured = existsSync(measurements)
    ? readFileSync(measurements, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { name: string; value: string })
    : [];
  process.stdout.write(`${log.summary(measured, Date.now() - startedAll)}\n`);
  return log.failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
