/**
 * The directory port's contract, run against every bus engine: the memory bus (unit project) and
 * NATS JetStream (integration project). The writer and the reader use separate bus connections
 * where the engine has them, as the registry and a gateway do.
 */
import { isoUtc, type StoredAgent } from '@arcp/protocol';
import { KvConflictError, type Bus, type KvEntry, type KvStore, type KvWatch, type KvWatchOptions } from '@arcp/service-kit';
import { createRecordingLogger } from '@arcp/ws-engine/testing';
import { Registry } from 'prom-client';
import { createBeatWriter, type BeatWriter } from '../beats';
import { createDirectoryReader, type DirectoryChange, type DirectoryReader } from '../reader';
import { BEATS_RETENTION_MS, beatsBucket, encodeRecord } from '../records';
import { storedAgent } from '../testing';
import { createDirectoryWriter, migrateLegacyRecords, type DirectoryWriter } from '../writer';

export interface DirectoryContractContext {
  /** The bus the registry (writer) uses. */
  writerBus(): Bus;
  /** The bus a reader uses (another connection where the engine has one). */
  readerBus(): Bus;
  /** A bucket name unique to the test. */
  bucket(name: string): string;
}

const TIMEOUT_MS = 60_000;

/** Polls until `check` holds (bounded), for the engines' asynchronous deliveries. */
async function until(what: string, check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * A bus whose KV watches hold every entry after the initial set until `released` resolves (then
 * deliver them in order): a reader that lags its bucket for as long as the test says.
 */
function laggingBus(bus: Bus, released: Promise<void>): Bus {
  const wrapKv = (kv: KvStore): KvStore => ({
    bucket: kv.bucket,
    get: (k) => kv.get(k),
    put: (k, v) => kv.put(k, v),
    create: (k, v) => kv.create(k, v),
    update: (k, v, r) => kv.update(k, v, r),
    delete: (k, r) => kv.delete(k, r),
    keys: () => kv.keys(),
    lastRevision: () => kv.lastRevision(),
    async watch(opts: KvWatchOptions, onEntry: (e: KvEntry) => void): Promise<KvWatch> {
      let revision = 0;
      let initialDone = false;
      // Read by onInitialDone, which the engine may call before watch() has returned.
      const held: { watch?: KvWatch } = {};
      held.watch = await kv.watch(
        {
          ...opts,
          onInitialDone: () => {
            initialDone = true;
            // The engine may finish its initial set before watch() has returned.
            queueMicrotask(() => (revision = Math.max(revision, held.watch?.revision ?? 0)));
            opts.onInitialDone?.();
          },
        },
        (e) => {
          if (!initialDone) {
            revision = Math.max(revision, e.revision);
            return onEntry(e);
          }
          void released.then(() => {
            revision = Math.max(revision, e.revision);
            onEntry(e);
          });
        },
      );
      return {
        get revision() {
          return revision;
        },
        stop: () => held.watch?.stop(),
      };
    },
  });
  return new Proxy(bus, {
    get(target, prop, receiver) {
      if (prop === 'kv') return async (name: string, o?: object) => wrapKv(await target.kv(name, o));
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
}

export function runDirectoryContract(ctx: DirectoryContractContext): void {
  let clock = Date.parse('2025-09-07T21:00:00Z');
  const now = () => clock;
  let bucket: string;
  let kv: KvStore;
  let writer: DirectoryWriter;
  let log: KvStore;
  let beats: BeatWriter;
  let readers: DirectoryReader[];
  let changes: DirectoryChange[];
  const logger = createRecordingLogger();

  beforeEach(async () => {
    clock = Date.parse('2025-09-07T21:00:00Z');
    bucket = ctx.bucket('dir');
    kv = await ctx.writerBus().kv(bucket);
    writer = createDirectoryWriter(kv);
    log = await ctx.writerBus().kv(beatsBucket(bucket), { ttlMs: BEATS_RETENTION_MS });
    beats = createBeatWriter(log);
    readers = [];
    changes = [];
  });
  afterEach(() => {
    for (const r of readers) r.stop();
  });

  async function startReader(opts: { bus?: Bus; registry?: Registry; expiryCheckMs?: number } = {}): Promise<DirectoryReader> {
    const reader = createDirectoryReader({
      bus: opts.bus ?? ctx.readerBus(),
      bucket,
      logger,
      heartbeatTimeoutMs: TIMEOUT_MS,
      expiryCheckMs: opts.expiryCheckMs ?? 60_000,
      now,
      ...(opts.registry ? { registry: opts.registry } : {}),
    });
    reader.onChange((c) => changes.push(c));
    readers.push(reader);
    await reader.start();
    return reader;
  }

  const agent = (id: string, fields: Partial<StoredAgent> = {}) => storedAgent(id, fields, clock);
  const kinds = () => changes.map((c) => `${c.kind}:${c.agentId}${c.status ? `:${c.status}` : ''}`);

  it('loads the current agents in registration order, without announcing them', async () => {
    await writer.register(agent('ag-b', { registered_at: isoUtc(clock - 1000) }));
    await writer.register(agent('ag-a'));
    const reader = await startReader();
    expect(reader.ready).toBe(true);
    expect(reader.all().map((a) => a.agent_id)).toEqual(['ag-b', 'ag-a']);
    expect(reader.get('ag-a')).toEqual(agent('ag-a'));
    expect(reader.statusOf('ag-a')).toBe('alive');
    expect(changes).toEqual([]);
  });

  it('a write acknowledged before sync() is reflected when it resolves, every time', async () => {
    const reader = await startReader();
    for (let i = 0; i < 40; i++) {
      const id = `ag-ryw-${i}`;
      await writer.register(agent(id));
      await expect(reader.sync()).resolves.toBe('ok');
      expect(reader.get(id)?.agent_id).toBe(id);
      const seen = await writer.read(id);
      await writer.remove(id, seen!.revisions.registration);
      await expect(reader.sync()).resolves.toBe('ok');
      expect(reader.get(id)).toBeUndefined();
    }
    expect(reader.revision).toBe(await kv.lastRevision());
  });

  it('announces registration, status and removal in bucket order; heartbeats and metrics silently', async () => {
    const reader = await startReader();
    const v0 = reader.version;
    await writer.register(agent('ag-1'));
    await reader.sync();
    const v1 = reader.version;
    expect(v1).toBeGreaterThan(v0);
    const live = await writer.readLiveness('ag-1');
    const freshness = reader.freshness;
    clock += 5000;
    const r1 = await writer.setLiveness('ag-1', { status: 'alive', last_seen: isoUtc(clock) }, live!.revision);
    const read = await writer.read('ag-1');
    await writer.setMetrics('ag-1', { ...read!.agent.metrics, total_requests: 7 }, read!.revisions.metrics);
    await reader.sync();
    expect(reader.version).toBe(v1);
    expect(reader.freshness).toBeGreaterThan(freshness);
    expect(reader.get('ag-1')?.last_seen).toBe(isoUtc(clock));
    expect(reader.get('ag-1')?.metrics.total_requests).toBe(7);
    await writer.setLiveness('ag-1', { status: 'dead', last_seen: isoUtc(clock) }, r1);
    await reader.sync();
    const again = await writer.readLiveness('ag-1');
    await writer.setLiveness('ag-1', { status: 'alive', last_seen: isoUtc(clock) }, again!.revision);
    await reader.sync();
    const current = await writer.read('ag-1');
    await writer.remove('ag-1', current!.revisions.registration);
    await reader.sync();
    expect(kinds()).toEqual(['registered:ag-1:alive', 'status:ag-1:dead', 'status:ag-1:alive', 'unregistered:ag-1']);
    expect(await kv.keys()).toEqual([]);
  });

  it('writes a registration after its liveness and metrics, and removes it before them', async () => {
    const seen: string[] = [];
    const watch = await kv.watch({ initial: false }, (e) => seen.push(`${e.operation}:${e.key.split('.')[0]}`));
    try {
      await writer.register(agent('ag-order'), null, () => kv.put('extra.ag-order', new TextEncoder().encode('x')));
      const current = await writer.read('ag-order');
      await writer.remove('ag-order', current!.revisions.registration);
      await until('seven records', () => seen.length >= 7);
    } finally {
      watch.stop();
    }
    expect(seen.slice(0, 3).sort()).toEqual(['PUT:extra', 'PUT:live', 'PUT:metrics']);
    expect(seen[3]).toBe('PUT:reg');
    expect(seen[4]).toBe('DEL:reg');
    expect(seen.slice(5).sort()).toEqual(['DEL:live', 'DEL:metrics']);
  });

  it('stores no registration when the write that must come first fails', async () => {
    const failed = new Error('alongside failed');
    await expect(writer.register(agent('ag-nolink'), null, () => Promise.reject(failed))).rejects.toBe(failed);
    expect(await kv.get('reg.ag-nolink')).toBeNull();
    expect(await writer.read('ag-nolink')).toBeNull();
  });

  it('a heartbeat writes only the small liveness record', async () => {
    await writer.register(agent('ag-small'));
    const live = await writer.readLiveness('ag-small');
    const before = await kv.lastRevision();
    await writer.setLiveness('ag-small', { status: 'alive', last_seen: isoUtc(clock + 1000) }, live!.revision);
    expect(await kv.lastRevision()).toBe(before + 1);
    const record = await kv.get('live.ag-small');
    expect(record!.value.byteLength).toBeLessThan(80);
  });

  it('compare-and-set: a stale liveness revision or a second registration is refused', async () => {
    await writer.register(agent('ag-cas'));
    const live = await writer.readLiveness('ag-cas');
    await writer.setLiveness('ag-cas', { status: 'alive', last_seen: isoUtc(clock + 1) }, live!.revision);
    await expect(writer.setLiveness('ag-cas', { status: 'dead', last_seen: isoUtc(clock + 2) }, live!.revision)).rejects.toBeInstanceOf(
      KvConflictError,
    );
    await expect(writer.register(agent('ag-cas'))).rejects.toBeInstanceOf(KvConflictError);
    const read = await writer.read('ag-cas');
    await expect(writer.remove('ag-cas', read!.revisions.registration - 1)).rejects.toBeInstanceOf(KvConflictError);
  });

  it('re-registering a dead agent over its previous records announces its revival and the update', async () => {
    await writer.register(agent('ag-re', { status: 'dead' }));
    const reader = await startReader();
    const previous = await writer.read('ag-re');
    clock += 1000;
    await writer.register(agent('ag-re', { name: 'Renamed' }), previous);
    await reader.sync();
    expect(reader.get('ag-re')?.name).toBe('Renamed');
    expect(reader.statusOf('ag-re')).toBe('alive');
    // Liveness is written before the registration, so the model never shows the new one dead.
    expect(kinds()).toEqual(['status:ag-re:alive', 'updated:ag-re:alive']);
  });

  it('sync() reports a lagging model as timeout and catches up with a longer bound', async () => {
    let catchUp: () => void = () => undefined;
    const reader = await startReader({ bus: laggingBus(ctx.readerBus(), new Promise<void>((r) => (catchUp = r))) });
    await writer.register(agent('ag-lag'));
    await expect(reader.sync(20)).resolves.toBe('timeout');
    expect(reader.get('ag-lag')).toBeUndefined();
    const synced = reader.sync(2000);
    catchUp();
    await expect(synced).resolves.toBe('ok');
    expect(reader.get('ag-lag')).toBeDefined();
  });

  it('sync() on a stopped reader answers unavailable at once', async () => {
    const reader = await startReader();
    reader.stop();
    await expect(reader.sync(5000)).resolves.toBe('unavailable');
  });

  it('unreadable records are skipped, counted and logged; the last good state stays', async () => {
    const registry = new Registry();
    await writer.register(agent('ag-v'));
    const reader = await startReader({ registry });
    await kv.put('reg.ag-v', Buffer.from('{not json'));
    await kv.put('live.ag-v', encodeRecord({ status: 'asleep', last_seen: 'yesterday' } as never));
    await kv.put('reg.ag-w', encodeRecord({ agent_id: 'ag-w' } as never));
    await kv.put('reg.ag-u', encodeRecord(agent('ag-other')));
    await kv.put('nonsense.key.x', Buffer.from('1'));
    await reader.sync();
    expect(reader.all().map((a) => a.agent_id)).toEqual(['ag-v']);
    expect(reader.statusOf('ag-v')).toBe('alive');
    expect(changes).toEqual([]);
    expect(await registry.metrics()).toMatch(/arcp_directory_invalid_records_total 5/);
    expect(logger.lines.filter((l) => l.msg === 'skipping an unreadable agent directory record').length).toBeGreaterThanOrEqual(5);
  });

  it('lazy expiry turns a silent agent dead; a heartbeat revives it', async () => {
    await writer.register(agent('ag-s'));
    const reader = await startReader({ expiryCheckMs: 10 });
    clock += TIMEOUT_MS;
    await until('expiry', () => reader.statusOf('ag-s') === 'dead');
    const live = await writer.readLiveness('ag-s');
    await writer.setLiveness('ag-s', { status: 'alive', last_seen: isoUtc(clock) }, live!.revision);
    await reader.sync();
    expect(kinds()).toEqual(['status:ag-s:dead', 'status:ag-s:alive']);
  });

  it('reads buckets written before liveness was stored apart, and migrates them', async () => {
    const old = agent('ag-old');
    await kv.put('ag-old', encodeRecord(old));
    const reader = await startReader();
    expect(reader.get('ag-old')).toEqual(old);
    await expect(migrateLegacyRecords(kv)).resolves.toBe(1);
    await expect(migrateLegacyRecords(kv)).resolves.toBe(0);
    await reader.sync();
    expect(reader.get('ag-old')).toEqual(old);
    expect((await kv.keys()).sort()).toEqual(['live.ag-old', 'metrics.ag-old', 'reg.ag-old']);
    expect(changes).toEqual([]);
  });

  it('reports records left without a registration and removes them', async () => {
    await writer.register(agent('ag-kept'));
    await kv.put('live.ag-orphan', encodeRecord({ status: 'alive', last_seen: isoUtc(clock) }));
    const reader = await startReader();
    expect(reader.get('ag-orphan')).toBeUndefined();
    expect(reader.leftovers()).toEqual([{ agentId: 'ag-orphan', lastSeenMs: clock }]);
    await writer.removeOrphan('ag-orphan');
    await reader.sync();
    expect(reader.leftovers()).toEqual([]);
    expect((await kv.keys()).sort()).toEqual(['live.ag-kept', 'metrics.ag-kept', 'reg.ag-kept']);
    await expect(writer.removeOrphan('ag-kept')).rejects.toBeInstanceOf(KvConflictError);
  });

  it('a heartbeat in the log moves last_seen silently, and sync() covers it', async () => {
    await writer.register(agent('ag-hb'));
    const registry = new Registry();
    const reader = await startReader({ registry });
    const version = reader.version;
    const freshness = reader.freshness;
    for (let i = 1; i <= 20; i++) {
      await beats.beat('ag-hb', isoUtc(clock + i * 1000));
      await expect(reader.sync()).resolves.toBe('ok');
      expect(reader.get('ag-hb')?.last_seen).toBe(isoUtc(clock + i * 1000));
    }
    expect(reader.version).toBe(version);
    expect(reader.freshness).toBeGreaterThan(freshness);
    expect(reader.statusOf('ag-hb')).toBe('alive');
    expect(changes).toEqual([]);
    expect(await registry.metrics()).toMatch(/arcp_directory_heartbeats_read_total 20/);
    // The record itself was not written.
    expect(JSON.parse(Buffer.from((await kv.get('live.ag-hb'))!.value).toString())).toEqual({ status: 'alive', last_seen: isoUtc(clock) });
  });

  it('heartbeats of one moment share one log entry, and each resolves once that entry is durable', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => `ag-many-${i}`);
    for (const id of ids) await writer.register(agent(id));
    const reader = await startReader();
    const before = (await log.keys()).length;
    await Promise.all(ids.map((id, i) => beats.beat(id, isoUtc(clock + 1000 + i))));
    expect((await log.keys()).length).toBe(before + 1);
    await reader.sync();
    ids.forEach((id, i) => expect(reader.get(id)?.last_seen).toBe(isoUtc(clock + 1000 + i)));
    // Beyond the entry's bound the rest wait for the next entry.
    const small = createBeatWriter(log, { maxBatch: 20 });
    await Promise.all(ids.map((id) => small.beat(id, isoUtc(clock + 5000))));
    expect((await log.keys()).length).toBe(before + 4);
  });

  it('a heartbeat revives an agent the lazy rule timed out; a dead record wins only with an instant as new', async () => {
    await writer.register(agent('ag-rv'));
    const reader = await startReader({ expiryCheckMs: 10 });
    clock += TIMEOUT_MS;
    await until('expiry', () => reader.statusOf('ag-rv') === 'dead');
    await beats.beat('ag-rv', isoUtc(clock));
    await reader.sync();
    expect(reader.statusOf('ag-rv')).toBe('alive');
    // The sweeper's record, carrying that same instant, wins the tie.
    const live = await writer.readLiveness('ag-rv');
    await writer.setLiveness('ag-rv', { status: 'dead', last_seen: isoUtc(clock) }, live!.revision);
    await reader.sync();
    expect(reader.statusOf('ag-rv')).toBe('dead');
    await beats.beat('ag-rv', isoUtc(clock - 1));
    await reader.sync();
    expect(reader.statusOf('ag-rv')).toBe('dead');
    clock += 1;
    await beats.beat('ag-rv', isoUtc(clock));
    await reader.sync();
    expect(reader.get('ag-rv')).toMatchObject({ status: 'alive', last_seen: isoUtc(clock) });
    expect(kinds()).toEqual(['status:ag-rv:dead', 'status:ag-rv:alive', 'status:ag-rv:dead', 'status:ag-rv:alive']);
  });

  it('a reader started later reads the log: a heartbeat read before its records counts, a removal ends them', async () => {
    await beats.beat('ag-early', isoUtc(clock + 2000));
    await writer.register(agent('ag-early'));
    await writer.register(agent('ag-gone'));
    await beats.beat('ag-gone', isoUtc(clock + 3000));
    const gone = await writer.read('ag-gone');
    await writer.remove('ag-gone', gone!.revisions.registration);
    const reader = await startReader();
    expect(reader.get('ag-early')?.last_seen).toBe(isoUtc(clock + 2000));
    expect(reader.get('ag-gone')).toBeUndefined();
    // Registered again later: its new record is newer than the old heartbeat.
    clock += 4000;
    await writer.register(agent('ag-gone'));
    await reader.sync();
    expect(reader.get('ag-gone')?.last_seen).toBe(isoUtc(clock));
    // A live reader: the removal drops the heartbeat with the records.
    await beats.beat('ag-early', isoUtc(clock + 1000));
    const early = await writer.read('ag-early');
    await writer.remove('ag-early', early!.revisions.registration);
    await reader.sync();
    expect(reader.get('ag-early')).toBeUndefined();
    expect(reader.livenessOf('ag-early')).toBeUndefined();
  });

  it('lists heartbeats newer than their record and older than a bound, for the sweeper to persist', async () => {
    await writer.register(agent('ag-p1'));
    await writer.register(agent('ag-p2'));
    await writer.register(agent('ag-p3'));
    const reader = await startReader();
    await beats.beat('ag-p1', isoUtc(clock + 1000));
    await beats.beat('ag-p2', isoUtc(clock + 5000));
    await reader.sync();
    expect(reader.unpersistedBeats(clock + 11_000, 10_000)).toEqual([
      { agentId: 'ag-p1', beat: expect.objectContaining({ status: 'alive', last_seen: isoUtc(clock + 1000), lastSeenMs: clock + 1000 }) },
    ]);
    const live = await writer.readLiveness('ag-p1');
    await writer.setLiveness('ag-p1', { status: 'alive', last_seen: isoUtc(clock + 1000) }, live!.revision);
    await reader.sync();
    expect(reader.unpersistedBeats(clock + 20_000, 10_000)).toEqual([
      { agentId: 'ag-p2', beat: expect.objectContaining({ status: 'alive', last_seen: isoUtc(clock + 5000), lastSeenMs: clock + 5000 }) },
    ]);
  });

  it('an unreadable log entry is skipped and counted; the entries around it apply', async () => {
    await writer.register(agent('ag-lg'));
    const registry = new Registry();
    const reader = await startReader({ registry });
    await log.put('b.test.1', Buffer.from('{"beats":'));
    await log.put(
      'b.test.2',
      Buffer.from(JSON.stringify({ beats: [['ag-lg', 'yesterday'], ['ag.x', isoUtc(clock)], 7, ['ag-lg', isoUtc(clock + 9)]] })),
    );
    await reader.sync();
    expect(reader.get('ag-lg')?.last_seen).toBe(isoUtc(clock + 9));
    expect(await registry.metrics()).toMatch(/arcp_directory_invalid_records_total 1/);
    expect(await registry.metrics()).toMatch(/arcp_directory_heartbeats_read_total 1/);
  });
}
