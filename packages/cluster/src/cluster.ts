/**
 * The docker compose topology as local processes, without Docker: nats-server (JetStream,
 * temporary store; or a JetStream cluster of three nodes with routes, every service given every
 * node's URL), the registry, the metrics service, N replicas of each channel's gateway (the
 * channels come from the protocol's table), each from its source entry point on its own
 * loopback ports, and (optionally) nginx as the edge with compose's routing. `pnpm start:cluster`
 * runs it (main.ts); the end-to-end suites use it as a library.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHANNEL_NAMES, channelPath, gatewayService, type ChannelName } from '@arcp/protocol';
import { startEdge, upstreamName } from './edge';
import { startNatsCluster, type RunningNatsCluster } from './nats-cluster';
import { freePort, waitHttpOk, type ManagedProc } from './process';
import { ROOT, serviceEntry, spawnEntry } from './service';

const SECRETS = ['JWT_SECRET', 'ADMIN_PASSWORD', 'AGENT_KEYS'] as const;

export interface ClusterOptions {
  /** Replicas of each gateway (default 2). */
  replicas?: number;
  /** Start the nginx edge (default true). */
  edge?: boolean;
  /** Edge port (default EDGE_PORT or 8001); 0 picks a free one. */
  edgePort?: number;
  /** Use this NATS instead of starting nats-server. */
  natsUrl?: string;
  /**
   * nats-server processes to start when no `natsUrl` is given (default 1): more form one
   * JetStream cluster, and the services get every node's URL (so 3 or more replicate every
   * bucket and stream three times, unless NATS_REPLICAS says otherwise).
   */
  nats?: number;
  /** Settings for every service, over process.env (secrets included). */
  env?: Record<string, string>;
  /** CLI mode: echo output with a `[name]` prefix, own process groups. */
  interactive?: boolean;
  /** Stops the start: what was started is stopped and the promise rejects. */
  signal?: AbortSignal;
  /** Called with every process as soon as it is spawned (to clean up on any exit). */
  onProcess?: (proc: ManagedProc) => void;
}

/** One service process and its addresses. */
export interface ClusterProcess {
  /** The current process (a restart replaces it). */
  readonly proc: ManagedProc;
  /** `http://127.0.0.1:<port>` of its ops server (`/metrics`, `/healthz`, `/readyz`). */
  readonly ops: string;
  /** `127.0.0.1:<port>` of its public listener, if it has one. */
  readonly listen?: string;
  /**
   * Stops it (SIGTERM: a gateway drains with 4200; nothing to do if it already died) and starts
   * it again with the same settings and ports, as a redeploy would; resolves once it is ready.
   */
  restart(): Promise<void>;
}

export interface LocalCluster {
  /** The registry API: through the edge when there is one, else the registry directly. */
  readonly http: string;
  /** `http://127.0.0.1:<edge port>` (the registry API and ws://… every channel), if started. */
  readonly edgeUrl: string | undefined;
  /** WebSocket URL of every replica of every channel (direct, not through the edge). */
  readonly replicaUrls: Readonly<Record<ChannelName, readonly string[]>>;
  /** The settings every service got (with generated secrets). */
  readonly env: Readonly<Record<string, string>>;
  /** Names of the secrets that were generated because they were unset. */
  readonly generated: readonly string[];
  readonly registry: ClusterProcess;
  readonly metrics: ClusterProcess;
  readonly gateways: Readonly<Record<ChannelName, readonly ClusterProcess[]>>;
  /** The NATS servers this cluster started (none when it was given `natsUrl`). */
  readonly nats: RunningNatsCluster | undefined;
  /** Every service process, the edge and the NATS nodes' current processes (a restart replaces one). */
  readonly procs: readonly ManagedProc[];
  output(): string;
  stop(): Promise<void>;
}

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

interface Spec {
  name: string;
  service: string;
  listenVars?: [host: string, port: string];
}

function specs(replicas: number): Spec[] {
  const out: Spec[] = [
    { name: 'registry', service: 'registry', listenVars: ['REGISTRY_HOST', 'REGISTRY_PORT'] },
    { name: 'metrics', service: 'metrics' },
  ];
  for (const channel of CHANNEL_NAMES) {
    for (let i = 0; i < replicas; i++) out.push({ name: `${gatewayService(channel)}-${i}`, service: gatewayService(channel), listenVars: ['GATEWAY_HOST', 'GATEWAY_PORT'] });
  }
  return out;
}

export async function startLocalCluster(opts: ClusterOptions = {}): Promise<LocalCluster> {
  const replicas = opts.replicas ?? 2;
  if (!Number.isInteger(replicas) || replicas < 1) throw new Error(`replicas must be a positive integer, got ${replicas}`);
  const natsNodes = opts.nats ?? 1;
  if (!Number.isInteger(natsNodes) || natsNodes < 1) throw new Error(`nats must be a positive integer, got ${natsNodes}`);
  const dir = mkdtempSync(join(tmpdir(), 'arcp-cluster-'));
  // Services and the edge; NATS is kept apart (its nodes can be restarted).
  const procs: ManagedProc[] = [];
  let nats: RunningNatsCluster | undefined;
  const track = (proc: ManagedProc) => {
    procs.push(proc);
    opts.onProcess?.(proc);
  };
  const checkpoint = () => {
    if (opts.signal?.aborted) throw new Error('cluster start aborted');
  };
  const stopAll = async () => {
    // Edge first (no new sockets), then the services drain in parallel, NATS last.
    const edge = procs.filter((p) => p.name === 'edge');
    const services = procs.filter((p) => !edge.includes(p));
    await Promise.all(edge.map((p) => p.stop('SIGQUIT', 5_000)));
    await Promise.all(services.map((p) => p.stop('SIGTERM', 30_000)));
    await nats?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const base = { ...process.env, ...opts.env } as Record<string, string | undefined>;
    const { values, generated } = secrets(base);
    let natsUrl = opts.natsUrl;
    if (!natsUrl) {
      nats = await startNatsCluster({ size: natsNodes, dir: join(dir, 'nats'), interactive: opts.interactive, ...(opts.onProcess ? { onProcess: opts.onProcess } : {}) });
      natsUrl = nats.url;
    }
    const useEdge = opts.edge ?? true;
    // Behind the edge, clients come with X-Forwarded-For set to their address.
    const env: Record<string, string> = { ...(useEdge ? { TRUST_PROXY: 'true' } : {}), ...(opts.env ?? {}), ...values, NATS_URL: natsUrl };
    const started: Array<{ spec: Spec; process: ClusterProcess }> = [];
    for (const spec of specs(replicas)) {
      const [opsPort, port] = [await freePort(), spec.listenVars ? await freePort() : 0];
      const listen = spec.listenVars ? { [spec.listenVars[0]]: '127.0.0.1', [spec.listenVars[1]]: String(port) } : {};
      const childEnv = { ...base, ...env, ...listen, OPS_HOST: '127.0.0.1', OPS_PORT: String(opsPort), INSTANCE_ID: spec.name, CI: undefined };
      checkpoint();
      const spawnIt = () => spawnEntry(spec.name, serviceEntry(spec.service), { env: childEnv, echo: opts.interactive, detached: opts.interactive });
      let proc = spawnIt();
      track(proc);
      const ops = `http://127.0.0.1:${opsPort}`;
      const restart = async () => {
        await proc.stop('SIGTERM', 30_000);
        const fresh = spawnIt();
        procs[procs.indexOf(proc)] = fresh;
        opts.onProcess?.(fresh);
        proc = fresh;
        await waitHttpOk(fresh, `${ops}/readyz`, 60_000);
      };
      const process: ClusterProcess = {
        get proc() {
          return proc;
        },
        ops,
        restart,
        ...(spec.listenVars ? { listen: `127.0.0.1:${port}` } : {}),
      };
      started.push({ spec, process });
    }
    const aborted = new Promise<never>((_, reject) => opts.signal?.addEventListener('abort', () => reject(new Error('cluster start aborted'))));
    await Promise.race([Promise.all(started.map(({ process }) => waitHttpOk(process.proc, `${process.ops}/readyz`, 60_000))), aborted]);
    checkpoint();

    const of = (service: string) => started.filter((s) => s.spec.service === service).map((s) => s.process);
    const gateways = Object.fromEntries(CHANNEL_NAMES.map((c) => [c, of(gatewayService(c))])) as Record<ChannelName, ClusterProcess[]>;
    const replicaUrls = Object.fromEntries(CHANNEL_NAMES.map((c) => [c, gateways[c].map((g) => `ws://${g.listen}${channelPath(c)}`)])) as Record<ChannelName, string[]>;
    const registry = of('registry')[0]!;
    let edgeUrl: string | undefined;
    if (useEdge) {
      const edgePort = opts.edgePort === 0 ? await freePort() : (opts.edgePort ?? Number(process.env.EDGE_PORT ?? 8001));
      const services = ['registry', ...CHANNEL_NAMES.map(gatewayService)];
      const targets = Object.fromEntries(services.map((s) => [upstreamName(s), of(s).map((p) => p.listen!)]));
      const edge = startEdge({ root: ROOT, prefix: join(dir, 'edge'), listen: `127.0.0.1:${edgePort}`, targets, echo: opts.interactive, detached: opts.interactive });
      track(edge);
      edgeUrl = `http://127.0.0.1:${edgePort}`;
      await waitHttpOk(edge, `${edgeUrl}/edge-healthz`, 10_000);
      checkpoint();
    }
    const running = () => [...(nats?.procs() ?? []), ...procs];
    return {
      http: edgeUrl ?? `http://${registry.listen}`,
      edgeUrl,
      replicaUrls,
      env: { ...env },
      generated,
      registry,
      metrics: of('metrics')[0]!,
      gateways,
      nats,
      get procs() {
        return running();
      },
      output: () => running().map((p) => `--- ${p.name}\n${p.output()}`).join('\n'),
      stop: stopAll,
    };
  } catch (err) {
    await Promise.all(procs.map((p) => p.stop('SIGKILL', 1_000)));
    await nats?.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
