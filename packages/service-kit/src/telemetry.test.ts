import { TelemetryEventSchema } from '@arcp/protocol';
import { createMemoryBus } from './bus/memory-bus';
import { startTelemetry } from './telemetry';

describe('startTelemetry', () => {
  it('publishes valid beats with per-interval counter deltas', async () => {
    const bus = createMemoryBus();
    const received: unknown[] = [];
    bus.subscribe('arcp.telemetry', (m) => received.push(JSON.parse(new TextDecoder().decode(m.data))));
    const counters = { connections: 3, requests: 10, errors: 1, responseTimeSumS: 0.5 };
    const telemetry = startTelemetry({
      bus,
      subject: 'arcp.telemetry',
      instance: 'gw-1',
      role: 'gateway-public',
      intervalMs: 60_000,
      counters: () => ({ ...counters }),
    });
    try {
      counters.requests = 25;
      counters.errors = 3;
      counters.responseTimeSumS = 1.5;
      counters.connections = 7;
      const first = telemetry.beat();
      const second = telemetry.beat();
      await bus.flush();
      expect(received).toEqual([first, second]);
      const parsed = TelemetryEventSchema.parse(received[0]);
      expect(parsed).toMatchObject({ instance: 'gw-1', role: 'gateway-public', connections: 7, requests: 15, errors: 2 });
      expect(parsed.response_time_sum_s).toBeCloseTo(1);
      expect(parsed.memory_bytes).toBeGreaterThan(0);
      expect(TelemetryEventSchema.parse(received[1])).toMatchObject({ requests: 0, errors: 0, connections: 7 });
    } finally {
      telemetry.stop();
      await bus.close();
    }
  });

  it('reports a blocked event loop as lag', async () => {
    const bus = createMemoryBus();
    const telemetry = startTelemetry({ bus, subject: 't', instance: 'i', role: 'registry', intervalMs: 60_000 });
    try {
      await new Promise((r) => setTimeout(r, 150));
      const start = Date.now();
      while (Date.now() - start < 300) {
        // Block the loop on purpose.
      }
      await new Promise((r) => setTimeout(r, 150));
      expect(telemetry.beat().event_loop_lag_ms).toBeGreaterThan(150);
    } finally {
      telemetry.stop();
      await bus.close();
    }
  });
});
