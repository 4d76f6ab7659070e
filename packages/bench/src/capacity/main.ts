/**
 * Focused capacity probes behind docs/scaling.md, for what `pnpm bench` does not measure: the
 * directory's write path and its size, on one nats-server (one copy) and on a three-node
 * JetStream cluster (three copies), all on loopback on this machine.
 *
 *   node --expose-gc --conditions=@arcp/source --import tsx packages/bench/src/capacity/main.ts [agents]
 *
 * 1. Heartbeats as the registry handles them: a read of the agent's liveness record (is it
 *    registered?) and the heartbeat appended to the heartbeat log by group commit; C concurrent
 *    heartbeats at a time for 5 s (heartbeats/s, p50/p99 latency, log entries/s); then the same
 *    with the agent's liveness record read and compare-and-set instead (the path before the log).
 * 2. Directory size: N agents stored as the registry stores them (three records each), then a
 *    directory reader (what every gateway and the metrics service run) loads the bucket: load
 *    time, heap per agent, stream bytes per agent.
 * Prints one JSON line per case. Bounded: every phase has a deadline, servers are stopped on exit.
 */
import { performance } from 'node:perf_hooks';
import { startNatsCluster, type RunningNatsCluster } from '@arcp/cluster';
import { BEATS_RETENTION_MS, beatsBucket, createBeatWriter, createDirectoryReader, createDirectoryWriter } from '@arcp/directory';
import { storedAgent } from '@arcp/directory/testing';
import { isoUtc } from '@arcp/protocol';
import { KvConflictError, connectNatsBus, type Bus, type KvStore } from '@arcp/service-kit';

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const WRITE_WINDOW_MS = 5000;

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Runs `fn` over `items` with `concurrency` workers. */
async function pool<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

async function seed(kv: KvStore, count: number, tag: string): Promise<{ ids: string[]; ms: number }> {
  const writer = createDirectoryWriter(kv);
  const ids = Array.from({ length: count }, (_, i) => `${tag}-${i}`);
  const started = performance.now();
  await pool(ids, 64, async (id) => void (await writer.register(storedAgent(id), null)));
  return { ids, ms: performance.now() - started };
}

/**
 * Runs `heartbeat` for WRITE_WINDOW_MS with `concurrency` in flight, each worker looping over its
 * share of `ids`: heartbeats/s and p50/p99 latency.
 */
async function timedHeartbeats(
  ids: string[],
  concurrency: number,
  heartbeat: (id: string) => Promise<void>,
): Promise<Record<string, number>> {
  const latencies: number[] = [];
  const deadline = performance.now() + WRITE_WINDOW_MS;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      for (let i = w; performance.now() < deadline; i = (i + concurrency) % ids.length) {
        const t = performance.now();
        await heartbeat(ids[i]!);
        latencies.push(performance.now() - t);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return {
    heartbeats_per_s: Math.round(latencies.length / (WRITE_WINDOW_MS / 1000)),
    p50_ms: +percentile(latencies, 50).toFixed(2),
    p99_ms: +percentile(latencies, 99).toFixed(2),
  };
}

async function heartbeats(kv: KvStore, log: KvStore, ids: string[], concurrency: number): Promise<Record<string, number>> {
  const writer = createDirectoryWriter(kv);
  const beats = createBeatWriter(log);
  const entriesBefore = await log.lastRevision();
  const timed = await timedHeartbeats(ids, concurrency, async (id) => {
    if ((await writer.readLiveness(id)) === null) throw new Error(`agent ${id} is not registered`);
    await beats.beat(id, isoUtc(Date.now()));
  });
  const entries = (await log.lastRevision()) - entriesBefore;
  return { ...timed, log_entries_per_s: Math.round(entries / (WRITE_WINDOW_MS / 1000)) };
}

/** The same heartbeats as records: read the agent's liveness record, compare-and-set it (the registry's path until the heartbeat log). */
function recordHeartbeats(kv: KvStore, ids: string[], concurrency: number): Promise<Record<string, number>> {
  const writer = createDirectoryWriter(kv);
  return timedHeartbeats(ids, concurrency, async (id) => {
    for (;;) {
      const current = await writer.readLiveness(id);
      if (current === null) throw new Error(`agent ${id} is not registered`);
      try {
        await writer.setLiveness(id, { status: 'alive', last_seen: isoUtc(Date.now()) }, current.revision);
        return;
      } catch (err) {
        if (!(err instanceof KvConflictError)) throw err;
      }
    }
  });
}

async function load(bus: Bus, bucket: string): Promise<Record<string, number>> {
  global.gc?.();
  const before = process.memoryUsage().heapUsed;
  const reader = createDirectoryReader({ bus, bucket, logger: quiet, heartbeatTimeoutMs: 60_000 });
  const started = performance.now();
  await reader.start();
  const ms = performance.now() - started;
  const agents = reader.all().length;
  global.gc?.();
  const heap = process.memoryUsage().heapUsed - before;
  reader.stop();
  return { agents, load_ms: Math.round(ms), heap_bytes_per_agent: Math.round(heap / agents) };
}

async function topology(nodes: number, agents: number): Promise<void> {
  const nats: RunningNatsCluster = await startNatsCluster({ size: nodes });
  const bus = await connectNatsBus({ servers: [...nats.urls], name: 'capacity' });
  const label = nodes === 1 ? '1 server, 1 copy' : `${nodes}-node cluster, 3 copies`;
  try {
    const kv = await bus.kv('capacity_hb');
    const log = await bus.kv(beatsBucket('capacity_hb'), { ttlMs: BEATS_RETENTION_MS });
    const { ids } = await seed(kv, 1000, 'hb');
    for (const concurrency of [1, 16, 64]) {
      process.stdout.write(
        `${JSON.stringify({ case: 'heartbeats (record read + heartbeat log)', nats: label, agents: ids.length, concurrency, ...(await heartbeats(kv, log, ids, concurrency)) })}\n`,
      );
      process.stdout.write(
        `${JSON.stringify({ case: 'heartbeats as records (read + compare-and-set)', nats: label, agents: ids.length, concurrency, ...(await recordHeartbeats(kv, ids, concurrency)) })}\n`,
      );
    }
    const dir = await bus.kv('capacity_dir');
    const seeded = await seed(dir, agents, 'dir');
    const info = await fetch(`${nats.nodes[0]!.monitorUrl}/jsz?streams=true`).then(
      (r) => r.json() as Promise<{ account_details?: Array<{ stream_detail?: Array<{ name: string; state: { bytes: number } }> }> }>,
    );
    const bytes = info.account_details?.flatMap((a) => a.stream_detail ?? []).find((s) => s.name === 'KV_capacity_dir')?.state.bytes ?? 0;
    const registrations = Math.round(agents / (seeded.ms / 1000));
    process.stdout.write(
      `${JSON.stringify({ case: 'directory', nats: label, registrations_per_s_64_parallel: registrations, stream_bytes_per_agent: Math.round(bytes / agents), ...(await load(bus, 'capacity_dir')) })}\n`,
    );
  } finally {
    await bus.close();
    await nats.stop();
  }
}

async function main(): Promise<void> {
  const agents = Number(process.argv[2] ?? 20_000);
  const timer = setTimeout(() => {
    process.stderr.write('capacity: over 10 minutes, giving up\n');
    process.exit(1);
  }, 600_000);
  timer.unref();
  await topology(1, agents);
  await topology(3, agents);
}

main().catch((err: unknown) => {
  process.stderr.write(`capacity: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
