/**
 * `pnpm start:cluster [--replicas N]`: the docker compose topology as local processes, without
 * Docker. nats-server (JetStream, temporary store), the registry, the metrics service, N
 * replicas (default 2) of each gateway, each from its source entry point on its own loopback
 * ports, and nginx as the edge on EDGE_PORT (default 8001) with compose's routing. Secrets that
 * are not set are generated and printed once. Ctrl-C / SIGTERM: edge first, then the services
 * drain, then NATS. `startLocalCluster` is the same thing as a library (the e2e suite uses it).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEdge } from './cluster-edge';
import { findBinary, freePort, spawnManaged, waitHttpOk, type ManagedProc } from './cluster-procs';

export type ClusterChannel = 'public' | 'agents' | 'dashboard';
const CHANNELS: readonly ClusterChannel[] = ['public', 'agents', 'dashboard'];
const SECRETS = ['JWT_SECRET', 'ADMIN_PASSWORD', 'AGENT_KEYS'] as const;

export interface ClusterOptions {
  /** Replicas of each gateway (default 2). */
  replicas?: number;
  /** Edge port (default EDGE_PORT or 8001); 0 picks a free one. */
  edgePort?: number;
  /** Use this NATS instead of starting nats-server. */
  natsUrl?: string;
  /** Settings for every service, over process.env (secrets included). */
  env?: Record<string, string>;
  /** CLI mode: echo output with a `[name]` prefix, own process groups. */
  interactive?: boolean;
}

export interface LocalCluster {
  /** `http://127.0.0.1:<edge port>`: the registry API, and ws://… the three channels. */
  readonly edgeUrl: string;
  /** The settings every service got (with generated secrets). */
  readonly env: Readonly<Record<string, string>>;
  /** Names of the secrets that were generated because they were unset. */
  readonly generated: readonly string[];
  readonly gateways: Readonly<Record<ClusterChannel, ManagedProc[]>>;
  readonly procs: readonly ManagedProc[];
  /** Ops base URL (`/metrics`, `/healthz`, `/readyz`) of each service process, by name. */
  readonly ops: Readonly<Record<string, string>>;
  output(): string;
  stop(): Promise<void>;
}

export const ROOT = resolve(__dirname, '..');

function secrets(env: Record<string, string | undefined>): { values: Record<string, string>; generated: string[] } {
  const values: Record<string, string> = {};
  const generated: string[] = [];
  const make: Record<(typeof SECRETS)[number], () => string> = {
    JWT_SECRET: () => randomBytes(32).toString('base64url'),
    ADMIN_PASSWORD: () => randomBytes(12).toString('base64url'),
    AGENT_KEYS: () => `agent-key-${randomBytes(12).toString('hex')}`,
  };
  for (const name of SECRETS) {
    if (env[name]) continue;
    values[name] = make[name]();
    generated.push(name);
  }
  return { values, generated };
}

async function startNats(dir: string, opts: ClusterOptions): Promise<{ url: string; proc?: ManagedProc }> {
  if (opts.natsUrl) return { url: opts.natsUrl };
  const bin = findBinary('nats-server');
  if (!bin) throw new Error('nats-server is not installed (looked on PATH and in /usr/sbin); Debian: apt-get install nats-server, or set NATS_URL');
  const [port, monitor] = [await freePort(), await freePort()];
  const args = ['-js', '-a', '127.0.0.1', '-p', String(port), '-m', String(monitor), '-sd', join(dir, 'nats')];
  const proc = spawnManaged('nats', bin, args, { cwd: dir, env: process.env, echo: opts.interactive, detached: opts.interactive });
  await waitHttpOk(proc, `http://127.0.0.1:${monitor}/healthz?js-enabled-only=true`, 15_000);
  return { url: `nats://127.0.0.1:${port}`, proc };
}

interface ServiceSpec {
  name: string;
  entry: string;
  env: Record<string, string>;
}

async function serviceSpecs(replicas: number): Promise<{ specs: ServiceSpec[]; ports: Record<string, number[]> }> {
  const registryPort = await freePort();
  const specs: ServiceSpec[] = [
    { name: 'registry', entry: 'services/registry/src/main.ts', env: { REGISTRY_HOST: '127.0.0.1', REGISTRY_PORT: String(registryPort) } },
    { name: 'metrics', entry: 'services/metrics/src/main.ts', env: {} },
  ];
  const ports: Record<string, number[]> = { registry: [registryPort], public: [], agents: [], dashboard: [] };
  for (const channel of CHANNELS) {
    for (let i = 0; i < replicas; i++) {
      const port = await freePort();
      ports[channel]!.push(port);
      specs.push({ name: `gateway-${channel}-${i}`, entry: `services/gateway-${channel}/src/main.ts`, env: { GATEWAY_HOST: '127.0.0.1', GATEWAY_PORT: String(port) } });
    }
  }
  return { specs, ports };
}

export async function startLocalCluster(opts: ClusterOptions = {}): Promise<LocalCluster> {
  const replicas = opts.replicas ?? 2;
  if (!Number.isInteger(replicas) || replicas < 1) throw new Error(`replicas must be a positive integer, got ${replicas}`);
  const dir = mkdtempSync(join(tmpdir(), 'arcp-cluster-'));
  const procs: ManagedProc[] = [];
  const stopAll = async () => {
    // Edge first (no new sockets), then the services drain in parallel, NATS last.
    const edge = procs.filter((p) => p.name === 'edge');
    const nats = procs.filter((p) => p.name === 'nats');
    const services = procs.filter((p) => !edge.includes(p) && !nats.includes(p));
    await Promise.all(edge.map((p) => p.stop('SIGQUIT', 5_000)));
    await Promise.all(services.map((p) => p.stop('SIGTERM', 30_000)));
    await Promise.all(nats.map((p) => p.stop('SIGTERM', 5_000)));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const base = { ...process.env, ...opts.env } as Record<string, string | undefined>;
    const { values, generated } = secrets(base);
    const nats = await startNats(dir, opts);
    if (nats.proc) procs.push(nats.proc);
    // Clients come through the edge, which sets X-Forwarded-For to their address.
    const env: Record<string, string> = { TRUST_PROXY: 'true', ...(opts.env ?? {}), ...values, NATS_URL: nats.url };
    const { specs, ports } = await serviceSpecs(replicas);
    const gateways: Record<ClusterChannel, ManagedProc[]> = { public: [], agents: [], dashboard: [] };
    const waits: Promise<void>[] = [];
    const ops: Record<string, string> = {};
    for (const spec of specs) {
      const opsPort = await freePort();
      ops[spec.name] = `http://127.0.0.1:${opsPort}`;
      const childEnv = { ...base, ...env, ...spec.env, OPS_HOST: '127.0.0.1', OPS_PORT: String(opsPort), INSTANCE_ID: spec.name };
      const args = ['--conditions=@arcp/source', '--import', 'tsx', join(ROOT, spec.entry)];
      const proc = spawnManaged(spec.name, process.execPath, args, { cwd: ROOT, env: childEnv, echo: opts.interactive, detached: opts.interactive });
      procs.push(proc);
      const channel = CHANNELS.find((c) => spec.name.startsWith(`gateway-${c}-`));
      if (channel) gateways[channel].push(proc);
      waits.push(waitHttpOk(proc, `${ops[spec.name]}/readyz`, 60_000));
    }
    await Promise.all(waits);
    const edgePort = opts.edgePort === 0 ? await freePort() : (opts.edgePort ?? Number(process.env.EDGE_PORT ?? 8001));
    const loop = (list: number[]) => list.map((p) => `127.0.0.1:${p}`);
    const edge = startEdge({
      root: ROOT,
      prefix: join(dir, 'edge'),
      listen: `127.0.0.1:${edgePort}`,
      targets: { registry: loop(ports.registry!), gatewayPublic: loop(ports.public!), gatewayAgents: loop(ports.agents!), gatewayDashboard: loop(ports.dashboard!) },
      echo: opts.interactive,
      detached: opts.interactive,
    });
    procs.push(edge);
    const edgeUrl = `http://127.0.0.1:${edgePort}`;
    await waitHttpOk(edge, `${edgeUrl}/edge-healthz`, 10_000);
    return {
      edgeUrl,
      env: { ...env },
      generated,
      gateways,
      procs,
      ops,
      output: () => procs.map((p) => `--- ${p.name}\n${p.output()}`).join('\n'),
      stop: stopAll,
    };
  } catch (err) {
    await Promise.all(procs.map((p) => p.stop('SIGKILL', 1_000)));
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

function parseReplicas(argv: string[]): number {
  const i = argv.findIndex((a) => a === '--replicas' || a.startsWith('--replicas='));
  if (i < 0) return 2;
  const raw = argv[i]!.includes('=') ? argv[i]!.split('=')[1] : argv[i + 1];
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--replicas needs a positive integer, got ${raw}`);
  return n;
}

async function main(): Promise<void> {
  const cluster = await startLocalCluster({ replicas: parseReplicas(process.argv.slice(2)), interactive: true });
  if (cluster.generated.length) {
    console.log('\nGenerated for this run (set them in the environment to keep them):');
    for (const name of cluster.generated) console.log(`  ${name}=${cluster.env[name]}`);
  }
  const ws = cluster.edgeUrl.replace(/^http/, 'ws');
  console.log(`\nARCP cluster mode is running behind ${cluster.edgeUrl}`);
  console.log(`  ${ws}/public/ws   ${ws}/agents/ws   ${ws}/dashboard/ws`);
  console.log(`  ${cluster.procs.length} processes; Ctrl-C stops them all gracefully\n`);
  let stopping = false;
  const shutdown = (why: string, code: number) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${why}: stopping the edge, draining the services, then NATS…`);
    void cluster.stop().then(() => process.exit(code));
  };
  // The children have their own process groups (Ctrl-C reaches only us): never leave them behind.
  process.on('exit', () => {
    for (const p of cluster.procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  });
  process.on('SIGINT', () => shutdown('SIGINT', 0));
  process.on('SIGTERM', () => shutdown('SIGTERM', 0));
  for (const proc of cluster.procs) {
    void proc.exited.then((code) => {
      if (!stopping) shutdown(`${proc.name} exited unexpectedly (${code})`, 1);
    });
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`cluster: ${(err as Error).message}`);
    process.exit(1);
  });
}
