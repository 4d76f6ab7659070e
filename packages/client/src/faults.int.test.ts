/**
 * The fault suite: what a client of the product sees when a part of it dies. A supervised
 * cluster (cluster mode as `pnpm start:cluster` runs it: its own nats-server, two registry
 * processes, the metrics service, two replicas of each gateway, the nginx edge),
 * agents registered and heartbeating through the SDK's AgentSession, and one SDK client on each
 * channel. Then, one after another: NATS is killed, a registry process is killed, the gateway
 * replica holding each channel's client is killed, the metrics service is killed, the edge is
 * killed (all SIGKILL; the supervisor starts each again). For each fault the suite probes every path a client uses
 * until all work again, and checks that no agent was lost, that the clients were told (a close,
 * an alert frame) and came back by themselves, that the dead process came back (a new pid,
 * ready) and that no process logged a fatal or unhandled error. The measured figures are printed
 * (docs/failure-modes.md is written from them).
 */
import { readFileSync } from 'node:fs';
import { secretsFor, CLUSTER_SECRETS, startLocalCluster, type ClusterProcess, type LocalCluster, type ManagedProc } from '@arcp/cluster';
import { describeWithEdge, suiteEnv } from '@arcp/e2e';
import { describeWithNatsServer, uniquePrefix, waitFor } from '@arcp/testkit';
import {
  AgentSession,
  AgentsChannel,
  ArcpHttp,
  ArcpHttpError,
  DashboardChannel,
  PublicChannel,
  type ChannelClient,
  type ChannelName,
} from './index';
import { registration, WebSocket } from './test-support/server';

/**
 * From the kill until every probe below works again (and the bound for the killed process to be
 * back). Measured on a 2-core VM shared with other work, load average 6-18: 0.3-5.3 s per fault,
 * the killed processes ready again after 0.6-15 s (docs/failure-modes.md has each). The bound is
 * for such a machine under heavier load; over it, the failure names the late probe and shows
 * every service's log tail.
 */
const RECOVERY_BOUND_MS = 60_000;
/** Consecutive successes of every probe that count as recovered (at PROBE_EVERY_MS apart). */
const STABLE = 6;
const PROBE_EVERY_MS = 250;
const AGENTS = 4;
const DASHBOARD_INTERVAL_S = 0.5;
const PUBLIC_INTERVAL_S = 1;
/** A periodic frame older than this many intervals means its stream has stopped. */
const STALE_INTERVALS = 3;

interface FaultReport {
  fault: string;
  recoveryMs: number;
  perProbe: Record<string, number>;
  failures: Record<string, string[]>;
  /** Per probe: when it first and last failed (ms after the kill). */
  failedBetween: Record<string, [number, number]>;
  /** Every channel state change (ms after the kill). */
  timeline: string[];
  closes: Record<string, number[]>;
  alerts: string[];
  heartbeatFailures: string[];
  cameBackMs: Record<string, number>;
}

const reports: FaultReport[] = [];
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

// Every client goes through the edge, as in production: nginx is required (a clear skip without
// it, a failure under CI=true).
describeWithNatsServer('faults under a supervised cluster', () => describeWithEdge('behind the nginx edge', faultSuite));

function faultSuite(): void {
  const env: Record<string, string> = {
    ...suiteEnv(),
    LOG_LEVEL: 'info',
    ARCP_BUS_PREFIX: uniquePrefix('faults'),
    // Longer than any outage here: an agent must not die of a fault it could not heartbeat through.
    AGENT_HEARTBEAT_TIMEOUT: '60',
    DASHBOARD_WS_INTERVAL: String(DASHBOARD_INTERVAL_S),
    PUBLIC_WS_INTERVAL: String(PUBLIC_INTERVAL_S),
    LEADER_LEASE_TTL_S: '3',
  };
  const spawned: ManagedProc[] = [];
  const events: string[] = [];
  let cluster: LocalCluster;
  let http: ArcpHttp;
  let admin: string;
  const sessions: AgentSession[] = [];
  const heartbeatFailures: Array<{ at: number; what: string }> = [];
  let pub: PublicChannel;
  let agents: AgentsChannel;
  let dash: DashboardChannel;
  const clients: Array<[ChannelName, PublicChannel | AgentsChannel | DashboardChannel]> = [];
  const closes: Array<{ at: number; channel: ChannelName; code: number }> = [];
  const states: Array<{ at: number; channel: ChannelName; state: string }> = [];
  const lastFrame = new Map<string, number>();
  const alerts: Array<{ at: number; type: string }> = [];
  const agentLists: Array<{ at: number; ids: string[] }> = [];
  let keyIndex = 0;
  const keys = env.AGENT_KEYS!.split(',');

  const observe = <F extends { type: string }>(channel: ChannelName, client: ChannelClient<F>) => {
    client.on('state', (s) => {
      states.push({
        at: Date.now(),
        channel,
        state: `${s.state}${s.code ? `(${s.code})` : ''}${s.delayMs !== undefined ? `+${s.delayMs}` : ''}`,
      });
      if (s.state === 'reconnecting' || s.state === 'closed') closes.push({ at: Date.now(), channel, code: s.code ?? 0 });
    });
    client.on('frame', (f) => lastFrame.set(`${channel}:${f.type}`, Date.now()));
  };
  const ids = () => sessions.map((s) => s.agentId);
  const startSession = async (tag: string) => {
    const agentId = `fault-${tag}-${Date.now().toString(36)}`;
    return AgentSession.start({
      http,
      agentKey: keys[keyIndex++]!,
      registration: registration(agentId),
      heartbeatIntervalMs: 1000,
      retry: { initialDelayMs: 200 },
    });
  };

  beforeAll(async () => {
    cluster = await startLocalCluster({
      supervise: true,
      registryReplicas: 2,
      replicas: 2,
      edgePort: 0,
      env,
      onProcess: (p) => spawned.push(p),
      onEvent: (line) => events.push(`${new Date().toISOString()} ${line}`),
    });
    http = new ArcpHttp({ baseUrl: cluster.http, timeoutMs: 2000 });
    admin = (await http.login(env.ADMIN_USERNAME!, env.ADMIN_PASSWORD!)).access_token;
    for (let i = 0; i < AGENTS; i++) {
      const session = await startSession(String(i));
      session.on('heartbeat_failed', (f) =>
        heartbeatFailures.push({ at: Date.now(), what: f.error instanceof ArcpHttpError ? String(f.error.status) : f.error.name }),
      );
      sessions.push(session);
    }
    const ws = cluster.http.replace(/^http/, 'ws');
    const reconnect = { initialDelayMs: 200, maxDelayMs: 2000 };
    pub = new PublicChannel({ url: `${ws}/public/ws`, WebSocket, reconnect });
    agents = new AgentsChannel({ url: `${ws}/agents/ws`, WebSocket, reconnect, token: sessions[0]!.tokenSource });
    dash = new DashboardChannel({ url: `${ws}/dashboard/ws`, WebSocket, reconnect, token: () => admin });
    clients.push(['public', pub], ['agents', agents], ['dashboard', dash]);
    observe('public', pub);
    observe('agents', agents);
    observe('dashboard', dash);
    dash.onFrame('alert', (f) => {
      const list = (f.data as { alerts?: Array<{ type?: string }> }).alerts ?? [];
      for (const a of list) if (a.type?.startsWith('dashboard_')) alerts.push({ at: Date.now(), type: a.type });
    });
    agents.onFrame('agent_list', (f) => agentLists.push({ at: Date.now(), ids: f.agents.map((a) => a.agent_id) }));
    await Promise.all(clients.map(([, c]) => c.connect()));
    // The periodic frames are flowing before the first fault (the probes judge their gaps).
    await waitFor(() => lastFrame.has('public:stats_update') && lastFrame.has('dashboard:monitoring'), {
      timeoutMs: 20_000,
      what: 'the first periodic frames',
    });
  }, 240_000);

  afterAll(async () => {
    await Promise.all(clients.map(([, c]) => c.close()));
    await Promise.all(sessions.map((s) => s.stop({ unregister: false })));
    await cluster?.stop();
    await Promise.all(spawned.map((p) => p.stop('SIGKILL', 1000)));
    if (reports.length) {
      process.stdout.write(
        `\nfault suite (load average at the end ${loadavg()}):\n${reports.map(summary).join('\n')}\nsupervisor:\n${events.join('\n')}\n`,
      );
    }
  }, 120_000);

  /** Every path a client uses, each a check that throws while that path does not work. */
  const probes = (): Record<string, () => Promise<void>> => ({
    'public socket': async () => {
      fresh('public:stats_update', PUBLIC_INTERVAL_S);
      const page = await pub.getDiscovery({ pageSize: 100 }, 2000);
      missing(
        'public discovery',
        page.data.agents.map((a) => a.agent_id),
      );
    },
    'agents socket': async () => {
      await agents.ping(2000);
    },
    'dashboard socket': async () => {
      fresh('dashboard:monitoring', DASHBOARD_INTERVAL_S);
      await dash.ping(2000);
    },
    heartbeats: async () => {
      await Promise.all(sessions.map((s) => s.heartbeatNow()));
    },
    'admin login': async () => {
      await http.login(env.ADMIN_USERNAME!, env.ADMIN_PASSWORD!);
    },
    'admin API': async () => {
      const listed = await http.listAgents(admin, { status: 'alive' });
      missing(
        'admin list',
        listed.map((a) => a.agent_id),
      );
    },
  });
  const fresh = (key: string, intervalS: number) => {
    const at = lastFrame.get(key);
    if (at === undefined || Date.now() - at > STALE_INTERVALS * intervalS * 1000)
      throw new Error(`no ${key} frame for ${at === undefined ? 'ever' : `${Date.now() - at} ms`}`);
  };
  const missing = (where: string, listed: string[]) => {
    const gone = ids().filter((id) => !listed.includes(id));
    if (gone.length) throw new Error(`${where} misses ${gone.join(', ')}`);
  };

  /** Probes every path from `t0` until each has worked STABLE times in a row after `settled()`. */
  async function recover(t0: number, settled: () => boolean): Promise<Pick<FaultReport, 'perProbe' | 'failures' | 'failedBetween'>> {
    const state = Object.entries(probes()).map(([name, check]) => ({
      name,
      check,
      firstFail: undefined as number | undefined,
      lastFail: undefined as number | undefined,
      okSince: undefined as number | undefined,
      streak: 0,
      errors: new Set<string>(),
    }));
    const deadline = t0 + RECOVERY_BOUND_MS;
    for (;;) {
      const ready = settled();
      await Promise.all(
        state.map(async (p) => {
          try {
            await p.check();
            // Working since the first success after the last failure; counted once the victims are back.
            p.okSince ??= Date.now();
            if (ready) p.streak++;
          } catch (err) {
            p.lastFail = Date.now();
            p.firstFail ??= p.lastFail;
            p.streak = 0;
            p.okSince = undefined;
            p.errors.add((err as Error).message.split('\n')[0]!.replace(/\d+ ms/, 'N ms'));
          }
        }),
      );
      if (state.every((p) => p.streak >= STABLE)) break;
      if (Date.now() > deadline) {
        const late = state.filter((p) => p.streak < STABLE).map((p) => `${p.name}: ${[...p.errors].join('; ')}`);
        throw new Error(`not recovered within ${RECOVERY_BOUND_MS} ms: ${late.join(' | ')}\n${cluster.output()}`);
      }
      await new Promise((r) => setTimeout(r, PROBE_EVERY_MS));
    }
    return {
      perProbe: Object.fromEntries(state.map((p) => [p.name, p.lastFail === undefined ? 0 : p.okSince! - t0])),
      failures: Object.fromEntries(state.filter((p) => p.errors.size).map((p) => [p.name, [...p.errors]])),
      failedBetween: Object.fromEntries(
        state.filter((p) => p.firstFail !== undefined).map((p) => [p.name, [p.firstFail! - t0, p.lastFail! - t0]]),
      ),
    };
  }

  /** Kills `victims` (SIGKILL), waits for each to come back and every path to recover; reports. */
  async function fault(name: string, victims: Array<{ unit: string; proc: () => ManagedProc; ready: string }>): Promise<FaultReport> {
    const before = cluster.restarts();
    const pids = victims.map((v) => v.proc().pid);
    const t0 = Date.now();
    for (const v of victims) v.proc().child.kill('SIGKILL');
    const cameBackMs: Record<string, number> = {};
    const back = Promise.all(
      victims.map(async (v, i) => {
        await waitFor(() => cluster.restarts()[v.unit]! > before[v.unit]! && v.proc().pid !== pids[i], {
          timeoutMs: RECOVERY_BOUND_MS,
          intervalMs: 50,
          what: `${v.unit} restarted`,
        });
        await waitFor(async () => (await fetch(v.ready, { signal: AbortSignal.timeout(2000) }).catch(() => undefined))?.status === 200, {
          timeoutMs: RECOVERY_BOUND_MS,
          intervalMs: 100,
          what: `${v.unit} ready again`,
        });
        cameBackMs[v.unit] = Date.now() - t0;
      }),
    );
    let settled = false;
    void back.then(
      () => (settled = true),
      () => {},
    );
    const measured = await recover(t0, () => settled);
    await back;
    const report: FaultReport = {
      fault: name,
      recoveryMs: Math.max(...Object.values(measured.perProbe)),
      ...measured,
      closes: Object.fromEntries(clients.map(([c]) => [c, closes.filter((x) => x.at >= t0 && x.channel === c).map((x) => x.code)])),
      alerts: alerts.filter((a) => a.at >= t0).map((a) => a.type),
      timeline: states.filter((x) => x.at >= t0).map((x) => `${((x.at - t0) / 1000).toFixed(1)} ${x.channel} ${x.state}`),
      heartbeatFailures: heartbeatFailures.filter((h) => h.at >= t0).map((h) => h.what),
      cameBackMs,
    };
    reports.push(report);
    // Each victim came back as a new process, counted once, and the rest of the cluster stayed up.
    for (const v of victims) expect([v.unit, cluster.restarts()[v.unit]]).toEqual([v.unit, before[v.unit]! + 1]);
    const others = Object.entries(cluster.restarts()).filter(([unit]) => !victims.some((v) => v.unit === unit));
    expect(others.filter(([unit, n]) => n !== before[unit])).toEqual([]);
    await noAgentLost();
    expect(clients.map(([c, client]) => [c, client.state])).toEqual(clients.map(([c]) => [c, 'open']));
    expect(report.recoveryMs).toBeLessThan(RECOVERY_BOUND_MS);
    noFatalLogged();
    return report;
  }

  async function noAgentLost(): Promise<void> {
    const listed = await http.listAgents(admin);
    expect(ids().filter((id) => !listed.some((a) => a.agent_id === id && a.status === 'alive'))).toEqual([]);
    const page = await pub.getDiscovery({ pageSize: 100 }, 5000);
    expect(ids().filter((id) => !page.data.agents.some((a) => a.agent_id === id))).toEqual([]);
    // A registration made now reaches the agents channel (the write path through the bus works).
    const probe = await startSession(`probe-${reports.length}`);
    await waitFor(() => agentLists.some((l) => l.ids.includes(probe.agentId)), {
      timeoutMs: 20_000,
      what: `${probe.agentId} on the agents channel`,
    });
    const latest = agentLists.at(-1)!.ids;
    expect(ids().filter((id) => !latest.includes(id))).toEqual([]);
    await probe.stop();
  }

  function noFatalLogged(): void {
    const bad = /uncaught|unhandled|"level":60|\[FTL\]|panic:/i;
    const found = spawned.flatMap((p) =>
      p
        .output()
        .split('\n')
        .filter((l) => bad.test(l))
        .map((l) => `${p.name}: ${l}`),
    );
    expect(found).toEqual([]);
  }

  const unit = (name: string, child: ClusterProcess) => ({ unit: name, proc: () => child.proc, ready: `${child.ops}/readyz` });
  const holding = async (channel: ChannelName): Promise<number> => {
    for (const [i, g] of cluster.gateways[channel].entries()) {
      const text = await (await fetch(`${g.ops}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`arcp_gateway_connections{channel="${channel}"}`));
      if (line && Number(line.split(' ').pop()) > 0) return i;
    }
    throw new Error(`no ${channel} replica holds a socket`);
  };

  it('gives each child only the secrets it reads (its environment as the kernel holds it)', () => {
    if (process.platform !== 'linux') return;
    const services: Array<[string, ClusterProcess]> = [
      ['registry', cluster.registries[1]!],
      ['metrics', cluster.metrics],
      ...(['public', 'agents', 'dashboard'] as const).map((c) => [`gateway-${c}`, cluster.gateways[c][0]!] as [string, ClusterProcess]),
    ];
    for (const [service, p] of services) {
      const environ = readFileSync(`/proc/${p.proc.pid}/environ`, 'utf8').split('\0');
      const held = CLUSTER_SECRETS.filter((name) => environ.some((kv) => kv.startsWith(`${name}=`)));
      expect([service, held]).toEqual([service, [...secretsFor(service)]]);
    }
    expect(cluster.env.JWT_SECRET).toBe(env.JWT_SECRET);
  });

  it('rides out NATS being killed: the supervisor starts it again on its port and store', async () => {
    const node = cluster.nats!.nodes[0]!;
    const report = await fault('NATS killed', [
      { unit: 'nats-n1', proc: () => node.proc(), ready: `${node.monitorUrl}/healthz?js-enabled-only=true` },
    ]);
    expect(node.url).toBe(cluster.env.NATS_URL);
    expect(report.cameBackMs['nats-n1']).toBeGreaterThanOrEqual(500);
  }, 180_000);

  it('rides out a registry process being killed: the other one answers meanwhile', async () => {
    await fault('registry process killed', [unit('registry-0', cluster.registries[0]!)]);
  }, 180_000);

  it("rides out the gateway replica holding each channel's client being killed: clients are told and move", async () => {
    const victims = await Promise.all(
      (['public', 'agents', 'dashboard'] as const).map(async (c) => {
        const i = await holding(c);
        return unit(`gateway-${c}-${i}`, cluster.gateways[c][i]!);
      }),
    );
    const report = await fault('gateway replicas killed', victims);
    // Killed, not drained: no close frame, so each client sees 1006 and reconnects by itself.
    for (const c of ['public', 'agents', 'dashboard'] as const) expect([c, report.closes[c]![0]]).toEqual([c, 1006]);
  }, 180_000);

  it('rides out the metrics service being killed: dashboards are told, then told it is back', async () => {
    // Killed and restarted under the same instance id, the service takes its own lease back at
    // once: on a fast machine the frames pause for less than the three intervals after which
    // dashboards are told (rightly: they were not dark). So it hangs first (SIGSTOP) until the
    // outage alert is out, then is killed; the recovery alert follows the new process's first frame.
    const since = Date.now();
    cluster.metrics.proc.child.kill('SIGSTOP');
    await waitFor(() => alerts.some((a) => a.at >= since && a.type === 'dashboard_data_unavailable'), {
      timeoutMs: RECOVERY_BOUND_MS,
      what: 'dashboard_data_unavailable while the metrics service hangs',
    });
    const report = await fault('metrics service killed', [unit('metrics', cluster.metrics)]);
    await waitFor(() => alerts.some((a) => a.at >= since && a.type === 'dashboard_data_recovered'), {
      timeoutMs: RECOVERY_BOUND_MS,
      what: 'dashboard_data_recovered after the metrics service came back',
    });
    report.alerts = alerts.filter((a) => a.at >= since).map((a) => a.type);
    expect(report.alerts).toContain('dashboard_data_unavailable');
    expect(report.alerts.indexOf('dashboard_data_recovered')).toBeGreaterThan(report.alerts.indexOf('dashboard_data_unavailable'));
  }, 180_000);

  it('rides out the edge being killed: every socket through it is told, and comes back with it', async () => {
    const edge = () => cluster.procs.find((p) => p.name === 'edge')!;
    const report = await fault('edge (nginx) killed', [{ unit: 'edge', proc: edge, ready: `${cluster.edgeUrl}/edge-healthz` }]);
    for (const c of ['public', 'agents', 'dashboard'] as const) expect([c, report.closes[c]![0]]).toEqual([c, 1006]);
  }, 180_000);
}

function summary(r: FaultReport): string {
  const s = (ms: number) => (ms / 1000).toFixed(1);
  const per = Object.entries(r.perProbe)
    .map(([p, ms]) => `${p} ${s(ms)}`)
    .join(', ');
  const back = Object.entries(r.cameBackMs)
    .map(([u, ms]) => `${u} ready ${s(ms)}`)
    .join(', ');
  const closes = Object.entries(r.closes)
    .map(([c, codes]) => `${c} ${codes.length ? codes.join('/') : '-'}`)
    .join(', ');
  const failures = Object.entries(r.failures)
    .map(([p, e]) => `${p}: ${e.join('; ')}`)
    .join(' | ');
  const hb = r.heartbeatFailures.length ? `${r.heartbeatFailures.length} (${[...new Set(r.heartbeatFailures)].join(', ')})` : '0';
  return [
    `- ${r.fault}: recovered in ${s(r.recoveryMs)} s (${per}); ${back}`,
    `    closes: ${closes}; dashboard alerts: ${r.alerts.join(', ') || '-'}; heartbeat failures in the sessions: ${hb}`,
    `    while down: ${failures || 'nothing failed'}`,
    `    failing from-to: ${
      Object.entries(r.failedBetween)
        .map(([p, [a, b]]) => `${p} ${s(a)}-${s(b)}`)
        .join(', ') || '-'
    }`,
    `    channel states: ${r.timeline.join(', ') || '-'}`,
  ].join('\n');
}

describeWithNatsServer('a supervised cluster that cannot start', () => {
  it('fails fast with the reason and leaves no process behind, restarting nothing', async () => {
    const spawned: ManagedProc[] = [];
    const events: string[] = [];
    const started = Date.now();
    const start = startLocalCluster({
      supervise: true,
      registryReplicas: 2,
      replicas: 1,
      edge: false,
      // The registry refuses this setting (at least 1): it exits at once, the others would start.
      env: { ...suiteEnv(), ARCP_BUS_PREFIX: uniquePrefix('faults-start'), HTTP_RATE_PER_S: '0' },
      onProcess: (p) => spawned.push(p),
      onEvent: (line) => events.push(line),
    });
    await expect(start).rejects.toThrow(/registry-\d exited[\s\S]*HTTP_RATE_PER_S/);
    // Well before the 60 s readiness deadline: the exit itself ended the start.
    expect(Date.now() - started).toBeLessThan(45_000);
    expect(events).toEqual([]);
    expect(spawned.filter((p) => !p.isExited()).map((p) => p.name)).toEqual([]);
  }, 90_000);
});
