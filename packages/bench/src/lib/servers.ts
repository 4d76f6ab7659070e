/**
 * The servers a benchmark runs: nats-server, the product's gateway (`services/gateway-<channel>`
 * main, exactly as deployed) or the `ws` baseline gateway, and the registry. Both gateways read
 * the same environment, expose `/readyz` and `/metrics` on OPS_PORT and carry the memory probe.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startNatsServer, type RunningNatsServer } from '@arcp/testkit';
import { GATEWAY_CHANNELS } from '@arcp/gateway';
import { spawnNodeEntry, waitHttpOk } from './node-proc';
import { adopt, pin, sleep, type Proc } from './procs';

export type Impl = 'arcp' | 'ws';
/** Also raw uWebSockets.js, on the engine forward path only (baseline/uws-forward.ts). */
export type GatewayImpl = Impl | 'uws';
export type ChannelKind = 'public' | 'agents';

/** Server side on CPU 0; generator, feeder, nats-server, registry and harness on CPU 1. */
export const SERVER_CPU = '0';
export const CLIENT_CPU = '1';

export async function startNats(): Promise<RunningNatsServer> {
  const nats = await startNatsServer();
  const release = adopt(nats.pid);
  await pin(nats.pid, CLIENT_CPU);
  return {
    ...nats,
    async stop() {
      await nats.stop();
      release();
    },
  };
}

export function benchPrefix(tag: string): string {
  return `bench_${tag.replace(/[^A-Za-z0-9]/g, '')}_${randomBytes(3).toString('hex')}`;
}

/**
 * Settings every benchmark shares: no periodic frames, no caps, no lazy expiry in the window.
 * Everything else is the shipped default (the 50 ms broadcast coalescing window among them); a
 * bench that measures another configuration passes it in `extra` and labels its line.
 */
/**
 * Every channel's connection budgets, lifted: the generators hold tens of thousands of sockets,
 * from a few loopback addresses where real clients would each have their own.
 */
export const LIFTED_BUDGETS: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(
    Object.values(GATEWAY_CHANNELS).flatMap((c) =>
      ['MAX_CONNECTIONS', 'MAX_PENDING', 'MAX_PER_ADDRESS'].map((k) => [`${c.envPrefix}_WS_${k}`, '1000000']),
    ),
  ),
);

export function gatewayEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    LOG_LEVEL: 'warn',
    SHUTDOWN_TIMEOUT_S: '5',
    AGENT_HEARTBEAT_TIMEOUT: '86400',
    PUBLIC_WS_INTERVAL: '3600',
    PUBLIC_WS_PING_INTERVAL: '3600',
    AGENT_WS_PING_INTERVAL: '3600',
    ...LIFTED_BUDGETS,
    ...extra,
  };
}

export interface MemProbe {
  seq: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

export interface Gateway {
  readonly impl: GatewayImpl;
  readonly proc: Proc;
  readonly port: number;
  readonly opsPort: number;
  metrics(): Promise<string>;
  /** GCs the server and reads its memory (probe preload). */
  probe(): Promise<MemProbe>;
  /** Records a V8 CPU profile of the server for `ms` into `path` (probe preload). */
  profile(ms: number, path: string): Promise<void>;
  stop(): Promise<void>;
}

export interface GatewayOptions {
  impl: GatewayImpl;
  channel: ChannelKind;
  natsUrl: string;
  prefix: string;
  cpu?: string;
  port?: number;
  env?: Record<string, string>;
  /** Also forward this bus subject's messages to the public `agents_update` topic (engine path). */
  forwardSubject?: string;
  /** Node/V8 flags for the server process. */
  nodeFlags?: string[];
}

const ENTRY: Record<Impl, Record<ChannelKind, string>> = {
  arcp: { public: 'services/gateway-public/src/main.ts', agents: 'services/gateway-agents/src/main.ts' },
  ws: { public: 'packages/bench/src/baseline/ws-gateway.ts', agents: 'packages/bench/src/baseline/ws-gateway.ts' },
};

function gatewayEntry(opts: GatewayOptions): string {
  if (opts.impl === 'uws') {
    if (!opts.forwardSubject || opts.channel !== 'public') throw new Error('raw uWS runs the public forward path only');
    return 'packages/bench/src/baseline/uws-forward.ts';
  }
  return opts.forwardSubject && opts.impl === 'arcp' ? 'packages/bench/src/variants/public-forward.ts' : ENTRY[opts.impl][opts.channel];
}

export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  const port = opts.port ?? (await freePort());
  const opsPort = await freePort();
  const probeFile = join(tmpdir(), `arcp-bench-probe-${process.pid}-${opsPort}.json`);
  const env = {
    ...gatewayEnv(opts.env),
    NATS_URL: opts.natsUrl,
    ARCP_BUS_PREFIX: opts.prefix,
    GATEWAY_HOST: '127.0.0.1',
    GATEWAY_PORT: String(port),
    OPS_HOST: '127.0.0.1',
    OPS_PORT: String(opsPort),
    BASELINE_CHANNEL: opts.channel,
    ...(opts.forwardSubject ? { BENCH_FORWARD_SUBJECT: opts.forwardSubject } : {}),
  };
  const entry = gatewayEntry(opts);
  const proc = spawnNodeEntry(`${opts.impl}-${opts.channel}`, entry, {
    cpu: opts.cpu ?? SERVER_CPU,
    env,
    probeFile,
    product: opts.impl === 'arcp',
    ...(opts.nodeFlags ? { nodeFlags: opts.nodeFlags } : {}),
  });
  await waitHttpOk(proc, `http://127.0.0.1:${opsPort}/readyz`);
  const ops = `http://127.0.0.1:${opsPort}`;
  const ask = async (cmd: string): Promise<Record<string, unknown>> => {
    const read = () => JSON.parse(readFileSync(probeFile, 'utf8')) as Record<string, unknown> & { seq: number };
    const before = existsSync(probeFile) ? read().seq : 0;
    writeFileSync(`${probeFile}.cmd`, cmd);
    process.kill(proc.pid, 'SIGUSR2');
    for (let i = 0; i < 300; i++) {
      await sleep(50);
      try {
        const m = read();
        if (m.seq > before) {
          if (m.error) throw new Error(`${proc.name} probe: ${String(m.error)}`);
          return m;
        }
      } catch (err) {
        if ((err as Error).message.includes('probe:')) throw err;
        // not written yet, or half-written: read again
      }
    }
    throw new Error(`${proc.name}: probe did not answer ${cmd}`);
  };
  return {
    impl: opts.impl,
    proc,
    port,
    opsPort,
    // Bounded: an overloaded server (the ws baseline starves its own event loop) may not answer.
    metrics: async () => (await fetch(`${ops}/metrics`, { signal: AbortSignal.timeout(5000) })).text(),
    probe: async () => (await ask('mem')) as unknown as MemProbe,
    async profile(ms: number, path: string) {
      await ask('prof-start');
      await sleep(ms);
      await ask(`prof-stop ${path}`);
    },
    async stop() {
      await proc.stop('SIGTERM', 8000);
      rmSync(probeFile, { force: true });
      rmSync(`${probeFile}.cmd`, { force: true });
    },
  };
}

export interface Registry {
  readonly proc: Proc;
  readonly url: string;
  readonly agentKeys: string[];
  stop(): Promise<void>;
}

/**
 * The registry service (CPU 1: it is the latency benchmark's client side), with `keys` agent keys
 * (one agent registered per key at a time).
 */
export async function startRegistry(natsUrl: string, prefix: string, jwtSecret: string, keys = 8): Promise<Registry> {
  const port = await freePort();
  const opsPort = await freePort();
  const agentKeys = Array.from({ length: keys }, (_, i) => `bench-agent-key-${i}-${randomBytes(6).toString('hex')}`);
  const proc = spawnNodeEntry('registry', 'services/registry/src/main.ts', {
    cpu: CLIENT_CPU,
    product: true,
    env: {
      ...gatewayEnv(),
      NATS_URL: natsUrl,
      ARCP_BUS_PREFIX: prefix,
      REGISTRY_HOST: '127.0.0.1',
      REGISTRY_PORT: String(port),
      OPS_HOST: '127.0.0.1',
      OPS_PORT: String(opsPort),
      JWT_SECRET: jwtSecret,
      AGENT_KEYS: agentKeys.join(','),
      ADMIN_PASSWORD: randomBytes(9).toString('base64url'),
      AGENT_CLEANUP_INTERVAL: '3600',
      RATE_LIMIT_BURST: '1000',
      // The harness is one client address registering agents as fast as the registry answers.
      HTTP_RATE_PER_S: '100000',
      HTTP_RATE_BURST: '100000',
      TELEMETRY_INTERVAL_S: '3600',
    },
  });
  await waitHttpOk(proc, `http://127.0.0.1:${opsPort}/readyz`);
  return { proc, url: `http://127.0.0.1:${port}`, agentKeys, stop: () => proc.stop('SIGTERM', 8000) };
}

/** Sum of every sample of a Prometheus metric whose labels include all of `labels`. */
export function promSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const lbl = m[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => lbl.includes(`${k}="${v}"`))) sum += Number(m[3]);
  }
  return sum;
}
