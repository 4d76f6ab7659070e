/**
 * The metrics service against a real nats-server (JetStream streams, KV leases): frame cadence,
 * durable logs across restarts, and one producer among replicas with failover.
 */
import { encodeJson, subjects as subjectsFor } from '@arcp/protocol';
import { connectNatsBus, type Bus } from '@arcp/service-kit';
import { connect } from 'nats';
import { describeWithNats, natsUrl, uniquePrefix, waitFor } from '@arcp/testkit';
import { collect, quietLogger, testConfig, testRegistry } from './test-support/fixtures';
import { createMetricsService, type MetricsService } from './service';

type Frame = { type: string; data: Record<string, unknown> };
const prefix = uniquePrefix('metrics');
const s = subjectsFor(prefix);
const opened: Bus[] = [];
const running: MetricsService[] = [];

async function bus(): Promise<Bus> {
  const b = await connectNatsBus({ servers: natsUrl(), name: 'metrics-int', logger: quietLogger() });
  opened.push(b);
  return b;
}

async function replica(instance: string, b: Bus, env: Record<string, string> = {}): Promise<MetricsService> {
  const config = testConfig({
    ARCP_BUS_PREFIX: prefix,
    INSTANCE_ID: instance,
    DASHBOARD_WS_INTERVAL: '0.3',
    LEADER_LEASE_TTL_S: '1',
    TELEMETRY_INTERVAL_S: '0.5',
    ...env,
  });
  const service = createMetricsService({ config, bus: b, logger: quietLogger(), metricsRegistry: testRegistry() });
  await service.start();
  running.push(service);
  return service;
}

async function command(b: Bus, command: string, data?: unknown): Promise<Frame[]> {
  const reply = await b.request(s.dashboardCommands, encodeJson({ command, data }), { timeoutMs: 3000 });
  return (JSON.parse(new TextDecoder().decode(reply.data)) as { frames: Frame[] }).frames;
}

const logMessages = async (b: Bus): Promise<string[]> => {
  const frames = await command(b, 'snapshot');
  return ((frames.find((f) => f.type === 'logs')?.data.logs ?? []) as { message: string }[]).map((l) => l.message);
};

afterEach(async () => {
  for (const svc of running.splice(0)) await svc.stop();
  for (const b of opened.splice(0)) await b.close().catch(() => undefined);
});

describeWithNats('metrics service on NATS', () => {
  it('publishes frames at DASHBOARD_WS_INTERVAL, from one producer', async () => {
    const b = await bus();
    const frames = collect<Frame & { timestamp: string }>(b, s.dashboardFrame('monitoring'));
    const service = await replica('int-cadence', b);
    await waitFor(() => service.isLeader(), { timeoutMs: 5000, what: 'leadership' });
    const start = frames.items.length;
    // Rounds keep coming (a stalled timer would time out here)...
    await waitFor(() => frames.items.length >= start + 5, { timeoutMs: 10_000, what: 'five monitoring rounds' });
    // ...and no two are closer than the interval allows (0.3 s; a second producer would put
    // rounds at most half an interval apart). Timers never fire early, whatever the load.
    const at = frames.items.slice(start).map((f) => Date.parse(f.timestamp));
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(250);
    expect(frames.items.at(-1)?.data).toHaveProperty('resource_utilization');
  });

  it('logs survive a restart of the service and are gone after clear_logs', async () => {
    const b1 = await bus();
    const first = await replica('int-logs-1', b1);
    b1.publish(s.logEvents, encodeJson({ timestamp: '2025-09-07T21:00:00Z', level: 'INFO', message: 'durable entry', source: 'auth' }));
    await waitFor(async () => (await logMessages(b1)).includes('durable entry'), { timeoutMs: 5000, what: 'stored log' });
    await first.stop();
    running.splice(running.indexOf(first), 1);
    await b1.close();

    const b2 = await bus();
    await replica('int-logs-2', b2);
    expect(await logMessages(b2)).toContain('durable entry');
    const ack = await command(b2, 'clear_logs');
    expect(ack[0]?.type).toBe('clear_logs_ack');
    expect(await logMessages(b2)).toEqual(['Dashboard logs cleared']);
  });

  it('two replicas: exactly one producer, and the standby takes over when the leader stops or dies', async () => {
    const [ba, bb, bc] = [await bus(), await bus(), await bus()];
    const frames = collect<Frame & { timestamp: string }>(bc, s.dashboardFrame('monitoring'));
    const a = await replica('int-a', ba);
    const b = await replica('int-b', bb);
    await waitFor(() => a.isLeader() || b.isLeader(), { timeoutMs: 5000, what: 'a leader' });
    // Over the next five rounds: exactly one leader at every look, and no two rounds closer than
    // one producer's interval allows (0.3 s; two producers would interleave, at most 0.15 s apart).
    const before = frames.items.length;
    const leaderCounts = new Set<number>();
    await waitFor(
      () => {
        leaderCounts.add([a.isLeader(), b.isLeader()].filter(Boolean).length);
        return frames.items.length >= before + 5;
      },
      { timeoutMs: 10_000, intervalMs: 20, what: 'five monitoring rounds' },
    );
    expect([...leaderCounts]).toEqual([1]);
    const at = frames.items.slice(before).map((f) => Date.parse(f.timestamp));
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(250);

    // Graceful stop releases the lease: the standby takes over within one renew period or so.
    const [leader, standby] = a.isLeader() ? [a, b] : [b, a];
    await leader.stop();
    running.splice(running.indexOf(leader), 1);
    await waitFor(() => standby.isLeader(), { timeoutMs: 3000, what: 'takeover after stop' });
    const resumed = frames.items.length;
    await waitFor(() => frames.items.length > resumed, { timeoutMs: 3000, what: 'frames from the new leader' });

    // A crash (connection gone, no release): a fresh replica takes over once the lease lapses.
    const bd = await bus();
    const c = await replica('int-c', bd);
    await (standby === a ? ba : bb).close();
    await waitFor(() => c.isLeader(), { timeoutMs: 6000, what: 'takeover after crash' });
    await waitFor(() => !standby.isLeader(), { timeoutMs: 3000, what: 'old leader steps down' });
  });
});

describeWithNats('metrics service commands when a store is gone', () => {
  it('answers clear_logs and clear_alerts with an error, not with silence, while their streams are unavailable', async () => {
    const b = await bus();
    await replica('int-store-gone', b);
    const nc = await connect({ servers: natsUrl(), name: 'metrics-int-admin' });
    try {
      const jsm = await nc.jetstreamManager();
      await jsm.streams.delete(s.logsStream);
      await jsm.streams.delete(s.alertsStream);
      for (const cmd of ['clear_logs', 'clear_alerts']) {
        const reply = await b.request(s.dashboardCommands, encodeJson({ command: cmd }), { timeoutMs: 3000 });
        const body = JSON.parse(new TextDecoder().decode(reply.data)) as { frames: unknown[]; error?: string };
        expect(body.frames).toEqual([]);
        expect(body.error).toMatch(new RegExp(`^${cmd} failed: `));
      }
    } finally {
      await nc.close();
    }
  });
});
