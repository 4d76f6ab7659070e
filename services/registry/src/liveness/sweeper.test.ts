import { BEAT_PERSIST_AFTER_MS, encodeRecord } from '@arcp/directory';
import { defaultMetrics, directoryKey, isoUtc, subjects } from '@arcp/protocol';
import { createMemoryBus, type KvStore } from '@arcp/service-kit';
import { fakeClock, hookKv, registerAgent, settle, startHarness, type Harness, type KvHook } from '../test-support/harness';

const SHORT = { AGENT_HEARTBEAT_TIMEOUT: '2', AGENT_CLEANUP_INTERVAL: '3600' };

function dirEvents(h: Harness, kind: string): string[] {
  return h.published.filter((p) => p.subject.endsWith('dir.changed') && p.body['kind'] === kind).map((p) => p.body['agent_id'] as string);
}

const AGENTS_BUCKET = subjects('test').agentsBucket;

function logEvents(h: Harness, agentId: string): Array<Record<string, unknown>> {
  return h.published.filter((p) => p.subject.endsWith('events.log') && p.body['agent_id'] === agentId).map((p) => p.body);
}

/** A harness whose agents bucket runs `hook` before each keyed operation (see hookKv). */
async function hookedHarness(env: Record<string, string>, hook: KvHook): Promise<Harness> {
  return startHarness(env, { bus: hookKv(createMemoryBus(), AGENTS_BUCKET, hook), clock: fakeClock() });
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

describe('liveness sweeper: timing rules', () => {
  let h: Harness;
  afterEach(async () => {
    await h.registry.stop();
  });

  it('counts what each sweep did, announces a death once, and removes a dead agent at exactly the removal delay', async () => {
    h = await startHarness(SHORT);
    await registerAgent(h, 'gone-1');
    h.clock.advance(2_500);
    expect(await h.registry.sweep()).toEqual({ leader: true, dead: 1, removed: 0, persisted: 0, orphans: 0 });
    // The stored status is dead now: a second sweep has nothing to announce.
    expect(await h.registry.sweep()).toEqual({ leader: true, dead: 0, removed: 0, persisted: 0, orphans: 0 });
    h.clock.advance(60_000 - 2_500 - 1);
    expect(await h.registry.sweep()).toEqual({ leader: true, dead: 0, removed: 0, persisted: 0, orphans: 0 });
    h.clock.advance(1);
    expect(await h.registry.sweep()).toEqual({ leader: true, dead: 0, removed: 1, persisted: 0, orphans: 0 });
    await settle();
    expect(dirEvents(h, 'dead')).toEqual(['gone-1']);
    expect(dirEvents(h, 'unregistered')).toEqual(['gone-1']);
    const logs = logEvents(h, 'gone-1').filter((l) => l['source'] === 'agents');
    expect(logs).toEqual([
      expect.objectContaining({ level: 'INFO', message: 'Agent registered: gone-1 (security)' }),
      {
        level: 'WARN',
        source: 'agents',
        message: 'Agent gone-1 missed its heartbeats and is now dead',
        agent_id: 'gone-1',
        agent_type: 'security',
        timestamp: expect.any(String),
      },
      {
        level: 'INFO',
        source: 'agents',
        message: 'Agent gone-1 removed after missing heartbeats',
        agent_id: 'gone-1',
        agent_type: 'security',
        reason: 'timeout',
        timestamp: expect.any(String),
      },
    ]);
  });

  it('waits twice a long heartbeat timeout before removing', async () => {
    h = await startHarness({ AGENT_HEARTBEAT_TIMEOUT: '40', AGENT_CLEANUP_INTERVAL: '3600' });
    await registerAgent(h, 'slow-1');
    h.clock.advance(80_000 - 1);
    expect(await h.registry.sweep()).toEqual({ leader: true, dead: 1, removed: 0, persisted: 0, orphans: 0 });
    h.clock.advance(1);
    expect(await h.registry.sweep()).toEqual({ leader: true, dead: 0, removed: 1, persisted: 0, orphans: 0 });
  });

  it('lets a standby take the lease only after seeing it unrenewed for three sweep periods, and do nothing before', async () => {
    // Timeout 4 s: one sweep per second, a lease TTL of 3 s.
    const env = { AGENT_HEARTBEAT_TIMEOUT: '4', AGENT_CLEANUP_INTERVAL: '3600' };
    const bus = createMemoryBus();
    const clock = fakeClock();
    h = await startHarness({ ...env, INSTANCE_ID: 'r1' }, { bus, clock });
    const standby = await startHarness({ ...env, INSTANCE_ID: 'r2' }, { bus, clock });
    try {
      await registerAgent(h, 'held-1');
      expect((await h.registry.sweep()).leader).toBe(true);
      expect((await standby.registry.sweep()).leader).toBe(false);
      clock.advance(2_999);
      expect((await standby.registry.sweep()).leader).toBe(false);
      expect((await h.registry.sweep()).leader).toBe(true);
      clock.advance(2_000);
      // held-1 is overdue now; only the holder may act on it.
      expect(await standby.registry.sweep()).toEqual({ leader: false, dead: 0, removed: 0, persisted: 0, orphans: 0 });
      expect(await h.registry.sweep()).toEqual({ leader: true, dead: 1, removed: 0, persisted: 0, orphans: 0 });
      expect((await standby.registry.sweep()).leader).toBe(false);
      clock.advance(2_999);
      expect((await standby.registry.sweep()).leader).toBe(false);
      clock.advance(1);
      expect((await standby.registry.sweep()).leader).toBe(true);
    } finally {
      await standby.registry.stop();
    }
  });
});

describe('liveness sweeper: records that move under it', () => {
  let h: Harness;
  afterEach(async () => {
    await h.registry.stop();
  });

  /** Runs `act` once, before the first `op` on `key` after arming. */
  function once(op: string, key: string, act: (kv: KvStore) => Promise<void>) {
    const state = { armed: false };
    const hook: KvHook = async (o, k, kv) => {
      if (!state.armed || o !== op || k !== key) return;
      state.armed = false;
      await act(kv);
    };
    return { state, hook };
  }

  const freshLiveness = (kv: KvStore, agentId: string) =>
    kv.put(directoryKey('liveness', agentId), encodeRecord({ status: 'alive', last_seen: isoUtc(h.clock.now()) })).then(() => undefined);

  it('leaves an agent whose heartbeat landed after its cached copy was taken', async () => {
    const { state, hook } = once('get', directoryKey('liveness', 'race-1'), (kv) => freshLiveness(kv, 'race-1'));
    h = await hookedHarness(SHORT, hook);
    await registerAgent(h, 'race-1');
    h.clock.advance(2_500);
    state.armed = true;
    expect(await h.registry.sweep()).toEqual({ leader: true, dead: 0, removed: 0, persisted: 0, orphans: 0 });
    expect(state.armed).toBe(false);
    await settle();
    expect(dirEvents(h, 'dead')).toEqual([]);
  });

  it('leaves an agent another replica marked dead after its cached copy was taken', async () => {
    const seen = { at: '' };
    const { state, hook } = once('get', directoryKey('liveness', 'race-5'), (kv) =>
      kv.put(directoryKey('liveness', 'race-5'), encodeRecord({ status: 'dead', last_seen: seen.at })).then(() => undefined),
    );
    h = await hookedHarness(SHORT, hook);
    seen.at = isoUtc(h.clock.now());
    await registerAgent(h, 'race-5');
    h.clock.advance(2_500);
    state.armed = true;
    expect(await h.registry.sweep()).toEqual({ leader: true, dead: 0, removed: 0, persisted: 0, orphans: 0 });
    expect(state.armed).toBe(false);
    await settle();
    expect(dirEvents(h, 'dead')).toEqual([]);
  });

  it('skips an agent unregistered after its cached copy was taken', async () => {
    const { state, hook } = once('get', directoryKey('registration', 'race-2'), (kv) => kv.delete(directoryKey('registration', 'race-2')));
    h = await hookedHarness(SHORT, hook);
    await registerAgent(h, 'race-2');
    h.clock.advance(2_500);
    state.armed = true;
    expect(await h.registry.sweep()).toEqual({ leader: true, dead: 0, removed: 0, persisted: 0, orphans: 0 });
    expect(state.armed).toBe(false);
  });

  it('loses to a heartbeat that moves the liveness record between its read and its write', async () => {
    const { state, hook } = once('update', directoryKey('liveness', 'race-3'), (kv) => freshLiveness(kv, 'race-3'));
    h = await hookedHarness(SHORT, hook);
    await registerAgent(h, 'race-3');
    h.clock.advance(2_500);
    state.armed = true;
    expect(await h.registry.sweep()).toEqual({ leader: true, dead: 0, removed: 0, persisted: 0, orphans: 0 });
    expect(state.armed).toBe(false);
    await settle();
    expect(dirEvents(h, 'dead')).toEqual([]);
  });

  it('announces no death when a heartbeat reached the log between its read and its write', async () => {
    const { state, hook } = once('update', directoryKey('liveness', 'race-6'), async () => {
      expect((await h.call('POST', '/agents/race-6/heartbeat', { token: tokens.race6 })).status).toBe(200);
    });
    const tokens = { race6: '' };
    h = await hookedHarness(SHORT, hook);
    tokens.race6 = await registerAgent(h, 'race-6');
    h.clock.advance(2_500);
    state.armed = true;
    expect(await h.registry.sweep()).toEqual({ leader: true, dead: 0, removed: 0, persisted: 0, orphans: 0 });
    expect(state.armed).toBe(false);
    await settle();
    expect(dirEvents(h, 'dead')).toEqual([]);
    // The record says dead, the newer heartbeat in the log says alive: readers take the heartbeat.
    expect((await h.call('GET', '/agents/race-6', { token: tokens.race6 })).json['status']).toBe('alive');
    expect((await h.call('GET', '/agents', { token: tokens.race6 })).json).toEqual(
      expect.arrayContaining([expect.objectContaining({ agent_id: 'race-6', status: 'alive' })]),
    );
  });

  it('fails the sweep when the liveness write fails for another reason than a race', async () => {
    const { state, hook } = once('update', directoryKey('liveness', 'race-4'), () => Promise.reject(new Error('disk failure')));
    h = await hookedHarness(SHORT, hook);
    await registerAgent(h, 'race-4');
    h.clock.advance(2_500);
    state.armed = true;
    await expect(h.registry.sweep()).rejects.toThrow('disk failure');
  });
});

describe('liveness sweeper: heartbeats in the log', () => {
  let h: Harness;
  afterEach(async () => {
    await h.registry.stop();
  });

  it('writes the last heartbeat of an agent silent for a while to its record, once', async () => {
    h = await startHarness({ AGENT_HEARTBEAT_TIMEOUT: '600', AGENT_CLEANUP_INTERVAL: '3600' });
    const token = await registerAgent(h, 'quiet-1');
    h.clock.advance(1_000);
    expect((await h.call('POST', '/agents/quiet-1/heartbeat', { token })).status).toBe(200);
    const beatAt = isoUtc(h.clock.now());
    await settle();
    h.clock.advance(BEAT_PERSIST_AFTER_MS - 1);
    expect((await h.registry.sweep()).persisted).toBe(0);
    h.clock.advance(1);
    expect(await h.registry.sweep()).toEqual({ leader: true, dead: 0, removed: 0, persisted: 1, orphans: 0 });
    const agentsKv = await h.bus.kv(AGENTS_BUCKET);
    const record = await agentsKv.get(directoryKey('liveness', 'quiet-1'));
    expect(JSON.parse(Buffer.from(record!.value).toString())).toEqual({ status: 'alive', last_seen: beatAt });
    await settle();
    expect((await h.registry.sweep()).persisted).toBe(0);
  });

  it('times out and removes by the last heartbeat in the log, not by the older record', async () => {
    h = await startHarness(SHORT);
    const token = await registerAgent(h, 'log-1');
    h.clock.advance(1_500);
    expect((await h.call('POST', '/agents/log-1/heartbeat', { token })).status).toBe(200);
    await settle();
    // 2.5 s after the registration but 1 s after the heartbeat: alive.
    h.clock.advance(1_000);
    expect((await h.registry.sweep()).dead).toBe(0);
    h.clock.advance(1_000);
    expect((await h.registry.sweep()).dead).toBe(1);
    // Removal counts from the heartbeat too: 60 s after it, not after the registration.
    h.clock.advance(60_000 - 2_000 - 1);
    expect((await h.registry.sweep()).removed).toBe(0);
    h.clock.advance(1);
    expect((await h.registry.sweep()).removed).toBe(1);
  });
});

describe('liveness sweeper: leftover records', () => {
  let h: Harness;
  let agentsKv: KvStore;
  afterEach(async () => {
    await h.registry.stop();
  });

  async function leftover(agentId: string, kind: 'liveness' | 'metrics'): Promise<void> {
    const value =
      kind === 'liveness'
        ? encodeRecord({ status: 'alive', last_seen: isoUtc(h.clock.now()) })
        : encodeRecord(defaultMetrics(agentId, isoUtc(h.clock.now())));
    await agentsKv.put(directoryKey(kind, agentId), value);
    await settle();
  }

  async function start(hook: KvHook = () => undefined): Promise<void> {
    const bus = createMemoryBus();
    h = await startHarness(SHORT, { bus: hookKv(bus, AGENTS_BUCKET, hook), clock: fakeClock() });
    // The bucket itself, unhooked: what a crashed removal left behind.
    agentsKv = await bus.kv(AGENTS_BUCKET);
  }

  it('deletes the records of an agent without a registration once they are as old as the removal delay', async () => {
    await start();
    await leftover('ghost-1', 'liveness');
    await leftover('ghost-2', 'metrics');
    // No heartbeat on record: nothing says it is recent.
    expect(await h.registry.sweep()).toEqual({ leader: true, dead: 0, removed: 0, persisted: 0, orphans: 1 });
    expect(await agentsKv.get(directoryKey('metrics', 'ghost-2'))).toBeNull();
    h.clock.advance(59_999);
    expect((await h.registry.sweep()).orphans).toBe(0);
    h.clock.advance(1);
    expect((await h.registry.sweep()).orphans).toBe(1);
    expect(await agentsKv.get(directoryKey('liveness', 'ghost-1'))).toBeNull();
    await settle();
    expect((await h.registry.sweep()).orphans).toBe(0);
  });

  it('keeps the records of an agent that registers meanwhile', async () => {
    const state = { armed: false };
    await start(async (op, key) => {
      if (!state.armed || op !== 'get' || key !== directoryKey('registration', 'ghost-3')) return;
      state.armed = false;
      await registerAgent(h, 'ghost-3');
    });
    await leftover('ghost-3', 'liveness');
    h.clock.advance(60_000);
    state.armed = true;
    expect((await h.registry.sweep()).orphans).toBe(0);
    expect(state.armed).toBe(false);
    expect(await agentsKv.get(directoryKey('liveness', 'ghost-3'))).not.toBeNull();
  });

  it('fails the sweep when a leftover cannot be deleted', async () => {
    await start(async (op, key) => {
      if (op === 'delete' && key === directoryKey('liveness', 'ghost-4')) throw new Error('disk failure');
    });
    await leftover('ghost-4', 'liveness');
    h.clock.advance(60_000);
    await expect(h.registry.sweep()).rejects.toThrow('disk failure');
  });
});

describe('liveness sweeper: its own timer', () => {
  let h: Harness;
  // Only the sweep timer is faked: bus deliveries (microtasks) and the directory's own checks run as usual.
  beforeEach(() => {
    jest.useFakeTimers({
      doNotFake: [
        'Date',
        'hrtime',
        'nextTick',
        'performance',
        'queueMicrotask',
        'setImmediate',
        'clearImmediate',
        'setInterval',
        'clearInterval',
      ],
    });
  });
  afterEach(async () => {
    await h.registry.stop();
    jest.useRealTimers();
  });

  /** Lets a sweep the timer started run to its end (bus and KV work is microtasks and immediates). */
  async function drain(): Promise<void> {
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
  }

  it('sweeps every timeout/4 when that is shorter than the cleanup interval, and again after each sweep', async () => {
    h = await startHarness(SHORT);
    await registerAgent(h, 'tick-1');
    h.clock.advance(2_500);
    jest.advanceTimersByTime(499);
    await drain();
    expect(dirEvents(h, 'dead')).toEqual([]);
    jest.advanceTimersByTime(1);
    await drain();
    expect(dirEvents(h, 'dead')).toEqual(['tick-1']);

    await registerAgent(h, 'tick-2', 'test-agent-key-456');
    h.clock.advance(2_500);
    jest.advanceTimersByTime(500);
    await drain();
    expect(dirEvents(h, 'dead')).toEqual(['tick-1', 'tick-2']);
  });

  it('sweeps every cleanup interval when that is shorter than timeout/4', async () => {
    h = await startHarness({ AGENT_HEARTBEAT_TIMEOUT: '2', AGENT_CLEANUP_INTERVAL: '0.2' });
    await registerAgent(h, 'tick-3');
    h.clock.advance(2_500);
    jest.advanceTimersByTime(199);
    await drain();
    expect(dirEvents(h, 'dead')).toEqual([]);
    jest.advanceTimersByTime(1);
    await drain();
    expect(dirEvents(h, 'dead')).toEqual(['tick-3']);
  });

  it('stops sweeping once stopped', async () => {
    h = await startHarness(SHORT);
    await registerAgent(h, 'tick-4');
    h.clock.advance(2_500);
    await h.registry.stop();
    jest.advanceTimersByTime(5_000);
    await drain();
    expect(dirEvents(h, 'dead')).toEqual([]);
  });

  it('does not sweep again when stopped in the middle of a sweep', async () => {
    h = await startHarness(SHORT);
    await registerAgent(h, 'tick-7');
    h.clock.advance(2_500);
    jest.advanceTimersByTime(500);
    await h.registry.stop();
    await drain();
    expect(dirEvents(h, 'dead')).toEqual(['tick-7']);
    h.clock.advance(60_000);
    jest.advanceTimersByTime(5_000);
    await drain();
    expect(dirEvents(h, 'unregistered')).toEqual([]);
  });

  it('does not double its timer when started twice', async () => {
    h = await startHarness(SHORT);
    await h.registry.start();
    await registerAgent(h, 'tick-5');
    await h.registry.stop();
    h.clock.advance(2_500);
    jest.advanceTimersByTime(5_000);
    await drain();
    expect(dirEvents(h, 'dead')).toEqual([]);
  });

  it('logs a failed sweep and keeps sweeping', async () => {
    const state = { fail: false };
    h = await startHarness(SHORT, {
      bus: hookKv(createMemoryBus(), AGENTS_BUCKET, (op, key) => {
        if (state.fail && op === 'get' && key === directoryKey('registration', 'tick-6')) {
          state.fail = false;
          throw new Error('disk failure');
        }
      }),
      clock: fakeClock(),
    });
    await registerAgent(h, 'tick-6');
    h.clock.advance(2_500);
    state.fail = true;
    jest.advanceTimersByTime(500);
    await drain();
    expect(state.fail).toBe(false);
    expect(dirEvents(h, 'dead')).toEqual([]);
    expect(h.logs).toContainEqual(
      expect.objectContaining({ msg: 'liveness sweep failed', err: expect.objectContaining({ message: 'disk failure' }) }),
    );
    jest.advanceTimersByTime(500);
    await drain();
    expect(dirEvents(h, 'dead')).toEqual(['tick-6']);
  });
});
