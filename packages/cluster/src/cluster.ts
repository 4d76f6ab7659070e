/**
 * The docker compose topology as local processes, without Docker: nats-server (JetStream,
 * temporary store; or a JetStream cluster of three nodes with routes, every service given every
 * node's URL), the registry, the metrics service, N replicas of each channel's gateway (the
 * channels come from the protocol's table), each from its source entry point on its own
 * loopback ports, and (optionally) nginx as the edge with compose's routing. `pnpm start:cluster`
 * runs it (main.ts) supervised (a child that dies is started again, see supervisor.ts); the
 * end-to-end suites use it as a library. Each child gets only the secrets it reads (child-env.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHANNEL_NAMES, channelPath, gatewayService, type ChannelName } from '@arcp/protocol';
import { childEnv } from './child-env';
import { startEdge, upstreamName } from './edge';
import { startNatsCluster, type RunningNatsCluster } from './nats-cluster';
import { freePort, waitHttpOk, type ManagedProc } from './process';
import { ROOT, serviceEntry, spawnEntry } from './service';
import { describeExit, Supervisor, type SupervisedUnit } from './supervisor';

/** Generated when unset, so a first start needs no setup. */
const SECRETS = ['JWT_SECRET', 'ADMIN_PASSWORD', 'AGENT_KEYS'] as const;

export interface ClusterOptions {
  /** Replicas of each gateway (default 2). */
  replicas?: number;
  /** Registry processes, each on its own ports, all behind the edge's registry upstream (default 1). */
  registryReplicas?: number;
  /**
   * Restart a child (service, edge, NATS node) that exits on its own once the start is done, with
   * exponential backoff (default false: it stays down, as a test that kills one on purpose wants).
   * A child that exits during the start fails the start either way.
   */
  supervise?: boolean;
  /** One line per supervisor event (a child's exit, its restart); default: printed when interactive. */
  onEvent?: (line: string) => void;
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
  /** The settings of the cluster, generated secrets included (each service gets the secrets it reads). */
  readonly env: Readonly<Record<string, string>>;
  /** Names of the secrets that were generated because they were unset. */
  readonly generated: readonly string[];
  /** The first registry process. */
  readonly registry: ClusterProcess;
  /** Every registry process (`registryReplicas`). */
  readonly registries: readonly ClusterProcess[];
  readonly metrics: ClusterProcess;
  readonly gateways: Readonly<Record<ChannelName, readonly ClusterProcess[]>>;
  /** The NATS servers this cluster started (none when it was given `natsUrl`). */
  readonly nats: RunningNatsCluster | undefined;
  /** Every service process, the edge and the NATS nodes' current processes (a restart replaces one). */
  readonly procs: readonly ManagedProc[];
  /** Restarts the supervisor made, per child (`registry-0`, `gateway-public-1`, `edge`, `nats-n1`, ...). */
  restarts(): Record<string, number>;
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

function specs(replicas: number, registryReplicas: number): Spec[] {
  const out: Spec[] = [];
  for (let i = 0; i < registryReplicas; i++) {
    out.push({
      name: registryReplicas === 1 ? 'registry' : `registry-${i}`,
      service: 'registry',
      listenVars: ['REGISTRY_HOST', 'REGISTRY_PORT'],
    });
  }
  out.push({ name: 'metrics', service: 'metrics' });
  for (const channel of CHANNEL_NAMES) {
    for (let i = 0; i < replicas; i++)
      out.push({ name: `${gatewayService(channel)}-${i}`, service: gatewayService(channel), listenVars: ['GATEWAY_HOST', 'GATEWAY_PORT'] });
  }
  return out;
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${value}`);
  return value;
}

export async function startLocalCluster(opts: ClusterOptions = {}): Promise<LocalCluster> {
  const replicas = positive('replicas', opts.replicas ?? 2);
  const registryReplicas = positive('registryReplicas', opts.registryReplicas ?? 1);
  const natsNodes = positive('nats', opts.nats ?? 1);
  const dir = mkdtempSync(join(tmpdir(), 'arcp-cluster-'));
  const log = opts.onEvent ?? (opts.interactive ? (line: string) => process.stdout.write(`cluster: ${line}\n`) : () => {});
  // A child that dies before the start is done fails the start (after it, the supervisor's call).
  let startupFailed: (err: Error) => void = () => {};
  const failure = new Promise<never>((_, reject) => {
    startupFailed = reject;
  });
  failure.catch(() => {}); // observed by the races below; never an unhandled rejection
  const supervisor = new Supervisor({
    enabled: opts.supervise ?? false,
    log,
    onStartupExit: (unit, proc) =>
      startupFailed(new Error(`${unit.name} exited (${describeExit(proc)}) during the start:\n${proc.output()}`)),
  });
  // Services and the edge; NATS is kept apart (its nodes are the NATS cluster's units).
  const units: SupervisedUnit[] = [];
  let nats: RunningNatsCluster | undefined;
  const current = () => units.map((u) => u.current()).filter((p): p is ManagedProc => p !== undefined);
  const supervised = (name: string, spawn: () => ManagedProc): SupervisedUnit => {
    const unit = supervisor.unit(name, async () => {
      const proc = spawn();
      opts.onProcess?.(proc);
      return proc;
    });
    const first = spawn();
    opts.onProcess?.(first);
    unit.adopt(first);
    units.push(unit);
    return unit;
  };
  const aborted = new Promise<never>((_, reject) =>
    opts.signal?.addEventListener('abort', () => reject(new Error('cluster start aborted'))),
  );
  aborted.catch(() => {});
  const during = <T>(step: Promise<T>): Promise<T> => Promise.race([step, failure, aborted]);
  const checkpoint = () => {
    if (opts.signal?.aborted) throw new Error('cluster start aborted');
  };
  const stopAll = async () => {
    await supervisor.stop();
    // Edge first (no new sockets), then the services drain in parallel, NATS last.
    const edge = current().filter((p) => p.name === 'edge');
    const services = current().filter((p) => !edge.includes(p));
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
      const natsOpts = {
        size: natsNodes,
        dir: join(dir, 'nats'),
        interactive: opts.interactive,
        supervisor,
        ...(opts.onProcess ? { onProcess: opts.onProcess } : {}),
      };
      // Not raced: an aborted start still gets the nodes' handle back, to stop them.
      nats = await startNatsCluster(natsOpts);
      checkpoint();
      natsUrl = nats.url;
    }
    const useEdge = opts.edge ?? true;
    // Behind the edge, clients come with X-Forwarded-For set to their address.
    const env: Record<string, string> = { ...(useEdge ? { TRUST_PROXY: 'true' } : {}), ...(opts.env ?? {}), ...values, NATS_URL: natsUrl };
    const started: Array<{ spec: Spec; process: ClusterProcess }> = [];
    for (const spec of specs(replicas, registryReplicas)) {
      const [opsPort, port] = [await freePort(), spec.listenVars ? await freePort() : 0];
      const listen = spec.listenVars ? { [spec.listenVars[0]]: '127.0.0.1', [spec.listenVars[1]]: String(port) } : {};
      const settings = childEnv(spec.service, {
        ...base,
        ...env,
        ...listen,
        OPS_HOST: '127.0.0.1',
        OPS_PORT: String(opsPort),
        INSTANCE_ID: spec.name,
        CI: undefined,
      });
      checkpoint();
      const spawnIt = () =>
        spawnEntry(spec.name, serviceEntry(spec.service), { env: settings, echo: opts.interactive, detached: opts.interactive });
      const unit = supervised(spec.name, spawnIt);
      const ops = `http://127.0.0.1:${opsPort}`;
      const restart = async () => {
        const fresh = await unit.replace(async () => {
          await unit.current()?.stop('SIGTERM', 30_000);
          const proc = spawnIt();
          opts.onProcess?.(proc);
          return proc;
        });
        await waitHttpOk(fresh, `${ops}/readyz`, 60_000);
      };
      const process: ClusterProcess = {
        get proc() {
          return unit.current()!;
        },
        ops,
        restart,
        ...(spec.listenVars ? { listen: `127.0.0.1:${port}` } : {}),
      };
      started.push({ spec, process });
    }
    await during(Promise.all(started.map(({ process }) => waitHttpOk(process.proc, `${process.ops}/readyz`, 60_000))));
    checkpoint();

    const of = (service: string) => started.filter((s) => s.spec.service === service).map((s) => s.process);
    const gateways = Object.fromEntries(CHANNEL_NAMES.map((c) => [c, of(gatewayService(c))])) as Record<ChannelName, ClusterProcess[]>;
    const replicaUrls = Object.fromEntries(
      CHANNEL_NAMES.map((c) => [c, gateways[c].map((g) => `ws://${g.listen}${channelPath(c)}`)]),
    ) as Record<ChannelName, string[]>;
    const registries = of('registry');
    let edgeUrl: string | undefined;
    if (useEdge) {
      const edgePort = opts.edgePort === 0 ? await freePort() : (opts.edgePort ?? Number(process.env.EDGE_PORT ?? 8001));
      const services = ['registry', ...CHANNEL_NAMES.map(gatewayService)];
      const targets = Object.fromEntries(services.map((s) => [upstreamName(s), of(s).map((p) => p.listen!)]));
      const edgeOpts = {
        root: ROOT,
        prefix: join(dir, 'edge'),
        listen: `127.0.0.1:${edgePort}`,
        targets,
        echo: opts.interactive,
        detached: opts.interactive,
      };
      const edge = supervised('edge', () => startEdge(edgeOpts));
      edgeUrl = `http://127.0.0.1:${edgePort}`;
      await during(waitHttpOk(edge.current()!, `${edgeUrl}/edge-healthz`, 10_000));
      checkpoint();
    }
    supervisor.arm();
    const running = () => [...(nats?.procs() ?? []), ...current()];
    return {
      http: edgeUrl ?? `http://${registries[0]!.listen}`,
      edgeUrl,
      replicaUrls,
      env: { ...env },
      generated,
      registry: registries[0]!,
      registries,
      metrics: of('metrics')[0]!,
      gateways,
      nats,
      get procs() {
        return running();
      },
      restarts: () => supervisor.restartCounts(),
      output: () =>
        running()
          .map((p) => `--- ${p.name}\n${p.output()}`)
          .join('\n'),
      stop: stopAll,
    };
  } catch (err) {
    await supervisor.stop();
    await Promise.all(current().map((p) => p.stop('SIGKILL', 1_000)));
    await nats?.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
