import { encodeJson, subjects as subjectsFor, type Subjects } from '@arcp/protocol';
import { createMemoryBus, type Bus } from '@arcp/service-kit';
import { waitFor } from '@arcp/testkit';
import { beat, collect, putAgent, quietLogger, storedAgent, T0, testConfig, testRegistry } from './test-support/fixtures';
import { createMetricsService, type MetricsService } from './service';

type Frame = { type: string; timestamp: string; data: Record<string, unknown> };
type Reply = { frames: Frame[]; error?: string };

let bus: Bus;
let s: Subjects;
let service: MetricsService;
let registry: ReturnType<typeof testRegistry>;
let clock: number;

// Long periods: the test drives every producer round itself through produce().
const env = { DASHBOARD_WS_INTERVAL: '3600', TELEMETRY_INTERVAL_S: '3600' };
const config = testConfig(env);

async function command(command: string, data?: unknown): Promise<Reply> {
  const reply = await bus.request(s.dashboardCommands, encodeJson({ command, data }), { timeoutMs: 2000 });
  return JSON.parse(new TextDecoder().decode(reply.data)) as Reply;
}

const log = (message: string, level = 'INFO') =>
  bus.publish(s.logEvents, encodeJson({ timestamp: '2025-09-07T21:00:00Z', level, message, source: 'auth' }));
const types = (frames: Frame[]) => frames.map((f) => f.type);

beforeEach(async () => {
  bus = createMemoryBus();
  s = subjectsFor(config.ARCP_BUS_PREFIX);
  clock = T0;
  registry = testRegistry();
  service = createMetricsService({ config, bus, logger: quietLogger(), metricsRegistry: registry, now: () => clock });
  await service.start();
  await waitFor(() => service.isLeader(), { timeoutMs: 2000, what: 'leadership' });
});

afterEach(async () => {
  await service.stop();
  await bus.close();
});

describe('metrics service on the memory bus', () => {
  it("publishes monitoring and health every round, encoded on per-type subjects (agents frames are the gateways' own)", async () => {
    await putAgent(bus, s.agentsBucket, storedAgent('agent-a', 'testing', T0 - 1000, { total_requests: 12 }));
    bus.publish(s.telemetry, encodeJson(beat('pub-1', 'gateway-public', { connections: 4 })));
    const frames = collect<Frame>(bus, s.dashboardFrames);
    await waitFor(async () => (await command('snapshot')).frames[0]?.data.agent_count === 1, { what: 'the agent in the read model' });
    await service.produce();
    expect(types(frames.items)).toEqual(['monitoring', 'health']);
    expect(frames.items[0]?.data).toMatchObject({ agent_count: 1, total_requests: 12 });
    expect(frames.items[0]?.timestamp).toBe('2025-09-07T21:00:00.000000Z');
    expect(frames.items[0]?.data.total_requests).toBe(12);
    expect((frames.items[1]?.data.components as { gateways: unknown }).gateways).toMatchObject({ public: { replicas: 1, connections: 4 } });
    expect(await registry.registry.getSingleMetricAsString('arcp_metrics_leader')).toMatch(/arcp_metrics_leader 1/);
    expect(await registry.registry.getSingleMetricAsString('arcp_metrics_frames_published_total')).toMatch(/type="monitoring"} 1/);
  });

  it('periodic logs frames carry only entries new since the previous round', async () => {
    const frames = collect<Frame>(bus, s.dashboardFrame('logs'));
    log('first');
    log('second');
    await service.produce();
    log('third');
    await service.produce();
    await service.produce();
    const batches = frames.items.map((f) => (f.data.logs as { message: string }[]).map((l) => l.message));
    expect(batches).toEqual([['second', 'first'], ['third']]);
  });

  it('alerts fire once, are persisted, and respect their cooldown', async () => {
    const frames = collect<Frame>(bus, s.dashboardFrame('alert'));
    await service.produce(); // no agents: warning "No agents registered in the system"
    clock += 60_000;
    await service.produce();
    expect(frames.items).toHaveLength(1);
    expect(frames.items[0]?.data.alerts).toEqual([
      expect.objectContaining({ type: 'agent_connectivity', severity: 'warning', message: 'No agents registered in the system' }),
    ]);
    clock += 900_000; // warning cooldown over
    await service.produce();
    expect(frames.items).toHaveLength(2);
    const snapshot = await command('snapshot');
    const alert = snapshot.frames.find((f) => f.type === 'alert');
    expect(alert?.data.alerts).toEqual([
      expect.objectContaining({ title: 'Agent connectivity', severity: 'warning', type: 'agent_connectivity', id: expect.any(String) }),
      expect.objectContaining({ type: 'agent_connectivity' }),
    ]);
  });

  it('snapshot: the connect burst with the recent log window', async () => {
    log('hello');
    const reply = await waitFor(
      async () => {
        const r = await command('snapshot');
        return r.frames.some((f) => f.type === 'logs') ? r : null;
      },
      { timeoutMs: 2000, what: 'the stored log' },
    );
    expect(types(reply.frames)).toEqual(['monitoring', 'health', 'logs']);
    expect(reply.frames[2]?.data).toMatchObject({ count: 1, logs: [expect.objectContaining({ message: 'hello', source: 'auth' })] });
  });

  it('refresh_request: fresh frames, current alerts (not persisted) and the ack', async () => {
    const reply = await command('refresh_request');
    expect(types(reply.frames)).toEqual(['monitoring', 'health', 'logs', 'alert', 'refresh_ack']);
    expect(reply.frames[4]?.data).toEqual({ status: 'completed', message: 'Fresh data sent' });
    const logs = reply.frames[2]?.data.logs as { message: string }[];
    expect(logs[0]?.message).toBe('Manual refresh requested');
    expect(types((await command('snapshot')).frames)).not.toContain('alert');
  });

  it('agents_request is not one of its commands (each dashboard gateway answers it from its own directory)', async () => {
    expect((await command('agents_request')).error).toMatch(/invalid dashboard command/);
  });

  it('clear_logs empties the stored logs and leaves one WARN entry', async () => {
    log('old');
    await waitFor(async () => (await command('snapshot')).frames.some((f) => f.type === 'logs'), {
      timeoutMs: 2000,
      what: 'the stored log',
    });
    const reply = await command('clear_logs');
    expect(reply.frames).toEqual([
      expect.objectContaining({ type: 'clear_logs_ack', data: { status: 'completed', message: 'Backend logs cleared successfully' } }),
    ]);
    const logs = (await command('snapshot')).frames.find((f) => f.type === 'logs')?.data.logs;
    expect(logs).toEqual([expect.objectContaining({ level: 'WARN', message: 'Dashboard logs cleared', source: 'dashboard' })]);
  });

  it('clear_alerts purges persisted alerts', async () => {
    await command('dashboard_alert', { message: 'Disk almost full', severity: 'WARNING', type: 'Storage_Space' });
    expect(types((await command('snapshot')).frames)).toContain('alert');
    const reply = await command('clear_alerts');
    expect(reply.frames[0]).toMatchObject({
      type: 'clear_alerts_ack',
      data: { status: 'completed', message: 'Backend alerts cleared successfully' },
    });
    expect(types((await command('snapshot')).frames)).not.toContain('alert');
  });

  it('dashboard_alert with a stray `alerts` member is invalid data, not a crash', async () => {
    const reply = await command('dashboard_alert', { alerts: ['1&~~iw-'], message: 'looks like one alert' });
    expect(reply).toEqual({ frames: [], error: expect.stringMatching(/^invalid dashboard_alert data: /) });
    expect(types((await command('snapshot')).frames)).not.toContain('alert');
  });

  it('dashboard_alert is persisted in the hydrated shape', async () => {
    expect(
      await command('dashboard_alert', {
        alerts: [
          { title: 'Custom', message: 'm1' },
          { message: 'm2', type: 'perf_issue' },
        ],
      }),
    ).toEqual({ frames: [] });
    const alerts = (await command('snapshot')).frames.find((f) => f.type === 'alert')?.data.alerts;
    expect(alerts).toEqual([
      expect.objectContaining({
        title: 'Perf issue',
        message: 'm2',
        severity: 'info',
        type: 'perf_issue',
        timestamp: '2025-09-07T21:00:00.000000Z',
      }),
      expect.objectContaining({ title: 'Custom', message: 'm1', type: 'system' }),
    ]);
  });

  it('dashboard_log is stored, broadcast at once, and not repeated by the next round', async () => {
    const frames = collect<Frame>(bus, s.dashboardFrame('logs'));
    const reply = await command('dashboard_log', { level: 'success', message: ' PIN ok ', timestamp: '2025-01-07T10:30:00Z' });
    expect(reply).toEqual({ frames: [] });
    expect(frames.items).toHaveLength(1);
    expect(frames.items[0]?.data.logs).toEqual([
      {
        timestamp: '2025-09-07T21:00:00.000000Z',
        level: 'SUCS',
        message: 'PIN ok',
        source: 'dashboard',
        frontend_timestamp: '2025-01-07T10:30:00Z',
      },
    ]);
    await service.produce();
    expect(frames.items).toHaveLength(1);
  });

  it('malformed requests get an error reply and the service keeps answering', async () => {
    const raw = await bus.request(s.dashboardCommands, new TextEncoder().encode('{nope'), { timeoutMs: 2000 });
    expect(JSON.parse(new TextDecoder().decode(raw.data))).toEqual({
      frames: [],
      error: expect.stringMatching(/invalid dashboard command/),
    });
    expect((await command('format_disk')).error).toMatch(/invalid dashboard command/);
    expect((await command('dashboard_log', { level: 'LOUD', message: 'x', timestamp: 'now' })).error).toMatch(/invalid dashboard_log data/);
    expect(types((await command('snapshot')).frames)).toEqual(['monitoring', 'health']);
  });

  it('replicas share the log-ingest queue group: each event is stored once', async () => {
    const second = createMetricsService({
      config: testConfig({ ...env, INSTANCE_ID: 'm-2' }),
      bus,
      logger: quietLogger(),
      metricsRegistry: testRegistry(),
      now: () => clock,
    });
    await second.start();
    try {
      for (const m of ['a', 'b', 'c', 'd']) log(m);
      await bus.flush();
      const logs = (await command('snapshot')).frames.find((f) => f.type === 'logs')?.data.logs as { message: string }[];
      expect(logs.map((l) => l.message).sort()).toEqual(['a', 'b', 'c', 'd']);
    } finally {
      await second.stop();
    }
  });

  describe('DASHBOARD_LOG_MESSAGE_MAXLEN', () => {
    async function restartWith(maxLen: string): Promise<void> {
      await service.stop();
      const config = testConfig({ ...env, DASHBOARD_LOG_MESSAGE_MAXLEN: maxLen });
      service = createMetricsService({ config, bus, logger: quietLogger(), metricsRegistry: testRegistry(), now: () => clock });
      await service.start();
    }
    const storedMessages = (count: number) =>
      waitFor(
        async () => {
          const logs = (await command('snapshot')).frames.find((f) => f.type === 'logs')?.data.logs as
            { message: string; agent_id?: string }[] | undefined;
          return logs && logs.length >= count ? logs : null;
        },
        { timeoutMs: 2000, what: `${count} stored logs` },
      );
    const dashboardLog = (message: string) => command('dashboard_log', { level: 'INFO', message, timestamp: '2025-01-07T10:30:00Z' });

    it('cuts bus events and dashboard lines below 2048 to N-3 characters plus "..."', async () => {
      await restartWith('20');
      log('x'.repeat(50));
      await dashboardLog('y'.repeat(50));
      const logs = await storedMessages(2);
      expect(logs.map((l) => l.message).sort()).toEqual([`${'x'.repeat(17)}...`, `${'y'.repeat(17)}...`]);
    });

    it('applies a limit above 2048 instead of the protocol clamp, keeping extra keys', async () => {
      await restartWith('3000');
      bus.publish(
        s.logEvents,
        encodeJson({ timestamp: '2025-09-07T21:00:00Z', level: 'INFO', message: 'a'.repeat(2500), source: 'auth', agent_id: 'agent-a' }),
      );
      log('b'.repeat(4000));
      await dashboardLog('c'.repeat(2600));
      const logs = await storedMessages(3);
      const byFirst = new Map(logs.map((l) => [l.message[0], l]));
      expect(byFirst.get('a')).toMatchObject({ message: 'a'.repeat(2500), agent_id: 'agent-a' });
      expect(byFirst.get('b')?.message).toBe(`${'b'.repeat(2997)}...`);
      expect(byFirst.get('c')?.message).toHaveLength(2600);
    });
  });
});
