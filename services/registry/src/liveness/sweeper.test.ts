import { createMemoryBus } from '@arcp/service-kit';
import { fakeClock, registerAgent, settle, startHarness, type Harness } from '../test-support/harness';

const SHORT = { AGENT_HEARTBEAT_TIMEOUT: '2', AGENT_CLEANUP_INTERVAL: '3600' };

function dirEvents(h: Harness, kind: string): string[] {
  return h.published.filter((p) => p.subject.endsWith('dir.changed') && p.body['kind'] === kind).map((p) => p.body['agent_id'] as string);
}

/** One sweep on each registry, at the harness clock's time (no wait for the sweep period). */
async function sweep(...hs: Harness[]): Promise<void> {
  for (const x of hs) await x.registry.sweep();
  await settle();
}

describe('liveness sweeper', () => {
  let h: Harness;
  afterEach(async () => {
    await h.registry.stop();
  });

  it('flips alive → dead after the timeout, revives on heartbeat, removes after max(60, 2×timeout)', async () => {
    h = await startHarness(SHORT);
    const token = await registerAgent(h, 'live-1');
    h.clock.advance(2_500);
    await sweep(h);
    expect(dirEvents(h, 'dead')).toEqual(['live-1']);
    const listed = await h.call('GET', '/agents/live-1', { token });
    expect(listed.json['status']).toBe('dead');

    expect((await h.call('POST', '/agents/live-1/heartbeat', { token })).status).toBe(200);
    await settle();
    expect(dirEvents(h, 'alive')).toEqual(['live-1']);
    expect(dirEvents(h, 'heartbeat')).toEqual([]);
    expect(await h.metrics.getSingleMetricAsString('arcp_registry_heartbeats_total')).toMatch(/result="revived"} 1/);

    h.clock.advance(61_000);
    await sweep(h);
    expect(dirEvents(h, 'unregistered')).toEqual(['live-1']);
    expect((await h.call('POST', '/agents/live-1/heartbeat', { token })).status).toBe(401);
    expect(await h.metrics.getSingleMetricAsString('arcp_registry_agents')).toMatch(/status="alive"} 0/);
  });

  it('lets only the lease holder announce each transition, once', async () => {
    const bus = createMemoryBus();
    const clock = fakeClock();
    h = await startHarness({ ...SHORT, INSTANCE_ID: 'r1' }, { bus, clock });
    const twin = await startHarness({ ...SHORT, INSTANCE_ID: 'r2' }, { bus, clock });
    await registerAgent(h, 'lease-1');
    await registerAgent(twin, 'lease-2', 'test-agent-key-456');
    clock.advance(3_000);
    await sweep(h, twin);
    // Both harnesses subscribe to the same bus, so each sees every event once.
    expect(dirEvents(h, 'dead').sort()).toEqual(['lease-1', 'lease-2']);
    expect(dirEvents(twin, 'dead').sort()).toEqual(['lease-1', 'lease-2']);
    await twin.registry.stop();
  });

  it('keeps agents alive while they heartbeat', async () => {
    h = await startHarness(SHORT);
    const token = await registerAgent(h, 'beat-1');
    for (let i = 0; i < 3; i++) {
      h.clock.advance(1_500);
      await h.call('POST', '/agents/beat-1/heartbeat', { token });
      await sweep(h);
    }
    expect(dirEvents(h, 'dead')).toEqual([]);
  });
});
