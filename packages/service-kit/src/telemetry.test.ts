import { totalmem } from 'node:os';
import { Writable } from 'node:stream';
import { TelemetryEventSchema } from '@arcp/protocol';
import { waitFor } from '@arcp/testkit';
import { createMemoryBus } from './bus/memory-bus';
import { createLogger } from './logger';
import { nodeTelemetryProbe, startTelemetry, type TelemetryProbe } from './telemetry';

const decode = (data: Uint8Array): unknown => JSON.parse(new TextDecoder().decode(data));

/** A scripted process: `t` ms since start, `cpuUs` of CPU used, 2 cores, 1 KiB of memory. */
function scriptedProbe() {
  const state = { t: 0, cpuUs: 0 };
  const probe: TelemetryProbe = {
    cpuUsage: () => ({ user: state.cpuUs, system: 0 }),
    rss: () => 256,
    memoryLimit: 1024,
    cores: 2,
    monotonicMs: () => state.t,
  };
  return { state, probe };
}

function collectingLogger() {
  const lines: { msg: string }[] = [];
  const destination = new Writable({
    write: (chunk: Buffer, _enc, done) => (lines.push(JSON.parse(chunk.toString()) as { msg: string }), done()),
  });
  return { lines, logger: createLogger({ service: 'telemetry-test', level: 'warn', destination }) };
}

describe('startTelemetry', () => {
  afterEach(() => jest.useRealTimers());

  it('publishes valid beats: machine CPU share, memory share and per-beat counter deltas', async () => {
    const bus = createMemoryBus();
    const received: unknown[] = [];
    bus.subscribe('arcp.telemetry', (m) => received.push(decode(m.data)));
    const { state, probe } = scriptedProbe();
    const counters = { connections: 3, requests: 10, errors: 1, responseTimeSumS: 0.5 };
    const telemetry = startTelemetry({
      bus,
      subject: 'arcp.telemetry',
      instance: 'gw-1',
      role: 'gateway-public',
      intervalMs: 60_000,
      counters: () => ({ ...counters }),
      probe,
      nowIso: () => '2025-09-07T21:00:00.000000Z',
    });
    try {
      state.t = 1000;
      state.cpuUs = 500_000; // 500 ms of CPU in 1000 ms on 2 cores: a quarter of the machine
      Object.assign(counters, { requests: 25, errors: 3, responseTimeSumS: 1.5, connections: 7 });
      const first = telemetry.beat();
      state.t = 2000;
      state.cpuUs = 5_000_000; // more than the machine can give: clamped, not 450 %
      const second = telemetry.beat();
      await bus.flush();
      expect(received).toEqual([first, second]);
      expect(TelemetryEventSchema.parse(received[0])).toEqual({
        instance: 'gw-1',
        role: 'gateway-public',
        at: '2025-09-07T21:00:00.000000Z',
        cpu_percent: 25,
        memory_bytes: 256,
        memory_percent: 25,
        event_loop_lag_ms: expect.any(Number),
        connections: 7,
        requests: 15,
        errors: 2,
        response_time_sum_s: 1,
        interval_s: 1,
      });
      expect(TelemetryEventSchema.parse(received[1])).toMatchObject({
        cpu_percent: 100,
        requests: 0,
        errors: 0,
        connections: 7,
        interval_s: 1,
      });
    } finally {
      telemetry.stop();
      await bus.close();
    }
  });

  it('sends a first beat right after start, covering the process life so far', async () => {
    const bus = createMemoryBus();
    const received: unknown[] = [];
    bus.subscribe('t', (m) => received.push(decode(m.data)));
    const { state, probe } = scriptedProbe();
    state.t = 4000;
    state.cpuUs = 1_000_000;
    const telemetry = startTelemetry({ bus, subject: 't', instance: 'i', role: 'registry', intervalMs: 60_000, probe });
    try {
      await new Promise((r) => setImmediate(r));
      await bus.flush();
      expect(received).toEqual([expect.objectContaining({ instance: 'i', interval_s: 4, cpu_percent: 12.5 })]);
    } finally {
      telemetry.stop();
      await bus.close();
    }
  });

  it('a counters callback that throws costs a beat and a warning, not the process', async () => {
    jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick'] });
    const bus = createMemoryBus();
    const received: unknown[] = [];
    bus.subscribe('t', (m) => received.push(decode(m.data)));
    const { lines, logger } = collectingLogger();
    let calls = 0;
    const counters = () => {
      if (++calls > 1) throw new Error('counter source gone');
      return { connections: 0, requests: 0, errors: 0, responseTimeSumS: 0 };
    };
    const telemetry = startTelemetry({
      bus,
      subject: 't',
      instance: 'i',
      role: 'metrics',
      intervalMs: 20,
      counters,
      logger,
      probe: scriptedProbe().probe,
    });
    try {
      // The first beat (next turn) and the beats at 20, 40 and 60 ms each fail; the timer goes on.
      jest.advanceTimersByTime(60);
      await bus.flush();
      expect(received).toHaveLength(0);
      expect(lines.map((l) => l.msg)).toEqual(Array(4).fill('telemetry beat failed'));
    } finally {
      telemetry.stop();
      await bus.close();
    }
  });

  it('publishes nothing once stopped, not even the pending first beat', async () => {
    jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick'] });
    const bus = createMemoryBus();
    const received: unknown[] = [];
    bus.subscribe('t', (m) => received.push(decode(m.data)));
    try {
      const telemetry = startTelemetry({ bus, subject: 't', instance: 'i', role: 'metrics', intervalMs: 10, probe: scriptedProbe().probe });
      expect(jest.getTimerCount()).toBe(3); // first beat, beat interval, lag sampler
      telemetry.stop();
      expect(jest.getTimerCount()).toBe(0);
      jest.advanceTimersByTime(40);
      await bus.flush();
      expect(received).toHaveLength(0);
    } finally {
      await bus.close();
    }
  });

  it('reports a blocked event loop as lag', async () => {
    const bus = createMemoryBus();
    const telemetry = startTelemetry({ bus, subject: 't', instance: 'i', role: 'registry', intervalMs: 60_000 });
    try {
      // Let the first beat go (it would take the stall's reading before a poll below does).
      await new Promise((r) => setImmediate(r));
      const start = Date.now();
      while (Date.now() - start < 300) {
        // Block the loop on purpose: the sampler's 100 ms tick runs about 200 ms late.
      }
      // Each beat takes (and resets) the worst lag seen since the previous one; a poll may run
      // before the late tick does. Throws when no beat reports the stall.
      await waitFor(() => telemetry.beat().event_loop_lag_ms > 150, { what: 'a beat reporting the stall', timeoutMs: 1000 });
    } finally {
      telemetry.stop();
      await bus.close();
    }
  });

  it('bounds memory by the host even when the cgroup reports no limit', () => {
    const limit = nodeTelemetryProbe().memoryLimit;
    expect(limit).toBeGreaterThan(0);
    expect(limit).toBeLessThanOrEqual(totalmem());
  });
});
