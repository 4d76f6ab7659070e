import { TelemetryEventSchema, subjects as subjectsFor } from '@arcp/protocol';
import { createMemoryBus } from '@arcp/service-kit';
import { collect } from '../test-support/fixtures';
import { startTelemetryPublisher } from './publisher';
import { type ProcessProbe } from './sampler';

describe('telemetry publisher', () => {
  it('publishes valid beats with CPU share, memory share and per-beat counter deltas', async () => {
    const bus = createMemoryBus();
    const s = subjectsFor('tp');
    const beats = collect<Record<string, unknown>>(bus, s.telemetry);
    let t = 0;
    let cpuUs = 0;
    // 2 cores; each beat 1000 ms apart with 500 ms of CPU → 25 % of the machine.
    const probe: ProcessProbe = { cpuUsage: () => ({ user: cpuUs, system: 0 }), rss: () => 256, totalMemory: 1024, cores: 2, hrtimeMs: () => t };
    const totals = { requests: 10, errors: 1, responseTimeSumS: 2 };
    const pub = startTelemetryPublisher({
      bus, subjects: s, instance: 'gw-1', role: 'gateway-public', connections: () => 42,
      counters: () => ({ ...totals }), intervalMs: 3_600_000, probe, nowIso: () => '2025-09-07T21:00:00Z',
    });
    t += 1000;
    cpuUs += 500_000;
    totals.requests = 15;
    totals.errors = 2;
    totals.responseTimeSumS = 2.5;
    pub.beat();
    pub.stop();
    await new Promise((r) => setImmediate(r)); // the stopped publisher's first beat is skipped
    expect(beats.items).toHaveLength(1);
    const beat = TelemetryEventSchema.parse(beats.items[0]);
    expect(beat).toMatchObject({
      instance: 'gw-1', role: 'gateway-public', connections: 42,
      cpu_percent: 25, memory_bytes: 256, memory_percent: 25, interval_s: 1,
      requests: 5, errors: 1, response_time_sum_s: 0.5,
    });
    await bus.close();
  });
});
