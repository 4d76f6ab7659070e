/**
 * The NATS engine on a real three-node JetStream cluster (nats-server processes on loopback):
 * buckets and streams get the configured replicas, an existing one is raised in place with its
 * data and never lowered, a KV write waits out the stream leader's loss, a watch resumes when
 * the node holding its consumer dies, and a node that freezes without closing its sockets is
 * left for another. On the suite's single server: a raise is refused with a clear log line and a
 * creation with more replicas than servers fails with BusReplicasError.
 */
import { connect, type NatsConnection, type StreamInfo } from 'nats';
import {
  describeWithNats,
  describeWithNatsServer,
  natsUrl,
  startNatsCluster,
  type NatsClusterNode,
  type RunningNatsCluster,
} from '@arcp/testkit';
import { type Bus, type KvStore } from './bus';
import { BusReplicasError } from './errors';
import { createLogger } from '../logger';
import { connectNatsBus, type NatsBusOptions } from './nats-bus';
import { dec, enc, runToken, waitFor, watchRecorder } from './test-support/helpers';

const prefix = `skcl_${runToken()}`;

/** Log lines of one bus, parsed. */
function capturedLogger(): { lines: Array<{ level: number; msg: string }>; logger: ReturnType<typeof createLogger> } {
  const lines: Array<{ level: number; msg: string }> = [];
  const logger = createLogger({
    service: 'bus-test',
    level: 'info',
    destination: { write: (s: string) => void lines.push(JSON.parse(s) as { level: number; msg: string }) },
  });
  return { lines, logger };
}

describeWithNatsServer('NATS engine on a three-node JetStream cluster', () => {
  let cluster: RunningNatsCluster;
  let admin: NatsConnection;
  const buses: Bus[] = [];

  async function bus(opts: Partial<NatsBusOptions> = {}): Promise<Bus> {
    const b = await connectNatsBus({ servers: [...cluster.urls], name: 'cluster-test', ...opts });
    buses.push(b);
    return b;
  }
  const info = async (stream: string): Promise<StreamInfo> => (await admin.jetstreamManager()).streams.info(stream);
  const replicasOf = async (stream: string) => (await info(stream)).config.num_replicas;
  const node = (name: string | undefined): NatsClusterNode => {
    const found = cluster.nodes.find((n) => n.name === name);
    if (!found) throw new Error(`no node ${name}`);
    return found;
  };

  /** The node hosting the one consumer of `stream` with a subscriber (stopped watches' linger unbound). */
  async function consumerHost(stream: string): Promise<NatsClusterNode> {
    type Consumer = { push_bound?: boolean; cluster?: { leader?: string } };
    type Jsz = { account_details?: Array<{ stream_detail?: Array<{ name: string; consumer_detail?: Consumer[] }> }> };
    let hosts: string[] = [];
    await waitFor(
      'one bound consumer',
      async () => {
        hosts = [];
        for (const n of cluster.nodes.filter((x) => x.isRunning())) {
          const jsz = (await (await fetch(`${n.monitorUrl}/jsz?consumers=true`)).json()) as Jsz;
          const streams = jsz.account_details?.flatMap((a) => a.stream_detail ?? []).filter((s) => s.name === stream) ?? [];
          for (const c of streams.flatMap((s) => s.consumer_detail ?? []))
            if (c.push_bound && c.cluster?.leader) hosts.push(c.cluster.leader);
        }
        return hosts.length === 1;
      },
      10_000,
    );
    return node(hosts[0]);
  }

  /** The node leading the cluster's JetStream metadata (where consumers are created). */
  async function metaLeader(): Promise<string | undefined> {
    const jsz = (await (await fetch(`${cluster.nodes.find((n) => n.isRunning())!.monitorUrl}/jsz`)).json()) as {
      meta_cluster?: { leader?: string };
    };
    return jsz.meta_cluster?.leader;
  }

  /** Kills `victim`, runs `during`, then starts it again and waits for the cluster to be current. */
  async function whileDown<T>(victim: NatsClusterNode, during: () => Promise<T>): Promise<T> {
    await victim.kill();
    try {
      return await during();
    } finally {
      await victim.start();
      await cluster.waitHealthy(60_000);
    }
  }

  beforeAll(async () => {
    cluster = await startNatsCluster({ size: 3 });
    admin = await connect({ servers: [...cluster.urls] });
  }, 60_000);
  afterAll(async () => {
    await Promise.all(buses.map((b) => b.close()));
    await admin?.close();
    await cluster?.stop();
  }, 30_000);

  it('gives buckets and streams three replicas when it is given three servers', async () => {
    const b = await bus();
    await b.kv(`${prefix}_r3`);
    await b.stream(`${prefix}_R3`, { subjects: [`${prefix}.r3.>`], maxMsgs: 10 });
    expect(await replicasOf(`KV_${prefix}_r3`)).toBe(3);
    expect(await replicasOf(`${prefix}_R3`)).toBe(3);
  });

  it('raises an existing one-replica bucket and stream in place, keeping their data, and never lowers them', async () => {
    const one = await bus({ replicas: 1 });
    const kv = await one.kv(`${prefix}_raise`);
    const rev = await kv.put('agent', enc('kept'));
    const stream = await one.stream(`${prefix}_RAISE`, { subjects: [`${prefix}.raise.>`], maxMsgs: 10 });
    await stream.append(`${prefix}.raise.x`, enc('line'));
    const created = (await info(`KV_${prefix}_raise`)).created;
    expect(await replicasOf(`KV_${prefix}_raise`)).toBe(1);

    const log = capturedLogger();
    const three = await bus({ replicas: 3, logger: log.logger });
    const raised = await three.kv(`${prefix}_raise`);
    const raisedStream = await three.stream(`${prefix}_RAISE`, { subjects: [`${prefix}.raise.>`], maxMsgs: 10 });
    expect(await replicasOf(`KV_${prefix}_raise`)).toBe(3);
    expect(await replicasOf(`${prefix}_RAISE`)).toBe(3);
    expect((await info(`KV_${prefix}_raise`)).created).toBe(created);
    expect(await raised.get('agent')).toMatchObject({ revision: rev });
    expect((await raisedStream.last(5)).map((m) => dec(m.data))).toEqual(['line']);
    expect(log.lines.filter((l) => /raised the replicas/.test(l.msg))).toHaveLength(2);

    await (await bus({ replicas: 1 })).kv(`${prefix}_raise`);
    expect(await replicasOf(`KV_${prefix}_raise`)).toBe(3);
  });

  it('keeps a KV write waiting while the stream elects a new leader, and the watch catches up', async () => {
    const b = await bus();
    const kv: KvStore = await b.kv(`${prefix}_elect`);
    await kv.put('a', enc('before'));
    const leader = node((await info(`KV_${prefix}_elect`)).cluster?.leader);
    const w = watchRecorder();
    const watch = await kv.watch({ initial: false }, w.onEntry);
    await whileDown(leader, async () => {
      const started = Date.now();
      const rev = await kv.put('a', enc('during'));
      expect(Date.now() - started).toBeLessThan(10_000);
      await waitFor('the watch sees the write made during the election', () => watch.revision >= rev, 15_000);
    });
    expect(w.seen).toContain('PUT a=during');
    watch.stop();
  }, 60_000);

  it('resumes a watch within seconds when the node holding its consumer dies', async () => {
    const b = await bus();
    const kv = await b.kv(`${prefix}_resume`);
    const leaders = [(await info(`KV_${prefix}_resume`)).cluster?.leader, await metaLeader()];
    // The consumer lands on any node; keep one that leads neither the stream nor the cluster's
    // metadata, so that no election adds to what is measured: the watch's own recovery.
    let w = watchRecorder();
    let watch = await kv.watch({ onInitialDone: w.onInitialDone }, w.onEntry);
    let host = await consumerHost(`KV_${prefix}_resume`);
    for (let i = 0; i < 30 && leaders.includes(host.name); i++) {
      watch.stop();
      w = watchRecorder();
      watch = await kv.watch({ onInitialDone: w.onInitialDone }, w.onEntry);
      host = await consumerHost(`KV_${prefix}_resume`);
    }
    expect(leaders).not.toContain(host.name);
    await waitFor('initial set', () => w.seen.includes('<initial done>'));
    const resumedIn = await whileDown(host, async () => {
      const killedAt = Date.now();
      const rev = await kv.put('k', enc('after the loss'));
      await waitFor('the watch delivers a write made after its node died', () => watch.revision >= rev, 30_000);
      return Date.now() - killedAt;
    });
    // Two missed 1 s heartbeats and a new consumer: measured 2-4 s here. With nats.js's fixed
    // 5 s heartbeat it is at least 10 s (measured 9.5-30 s, sometimes more than 45 s).
    expect(resumedIn).toBeLessThan(8000);
    expect(w.seen).toEqual(['<initial done>', 'PUT k=after the loss']);
    watch.stop();
  }, 90_000);

  it('leaves a node that stops answering without closing the connection', async () => {
    const frozen = cluster.nodes[0]!;
    // Only the frozen node's URL: the others are learnt from the cluster, as a client does.
    const b = await bus({ servers: [frozen.url], replicas: 3, pingIntervalMs: 500 });
    const kv = await b.kv(`${prefix}_frozen`);
    await kv.put('k', enc('1'));
    frozen.proc().child.kill('SIGSTOP');
    try {
      const started = Date.now();
      await waitFor(
        'a write through another node',
        async () => {
          try {
            await kv.put('k', enc('2'));
            return true;
          } catch {
            return false;
          }
        },
        20_000,
      );
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      frozen.proc().child.kill('SIGCONT');
    }
    await cluster.waitHealthy(60_000);
  }, 60_000);
});

describeWithNats('NATS engine on a single server with more replicas than servers', () => {
  let url: string;
  beforeAll(() => {
    url = natsUrl();
  });
  afterAll(async () => {
    const nc = await connect({ servers: url });
    const jsm = await nc.jetstreamManager();
    for await (const si of jsm.streams.list()) if (si.config.name.includes(prefix)) await jsm.streams.delete(si.config.name);
    await nc.close();
  });

  it('refuses to create a bucket with three replicas, saying which setting to change', async () => {
    const b = await connectNatsBus({ servers: url, name: 'single-r3', replicas: 3 });
    try {
      await expect(b.kv(`${prefix}_single_r3`)).rejects.toBeInstanceOf(BusReplicasError);
      await expect(b.kv(`${prefix}_single_r3`)).rejects.toThrow(/NATS_REPLICAS/);
    } finally {
      await b.close();
    }
  });

  it('keeps an existing one-replica bucket as it is and logs why it cannot be raised', async () => {
    const one = await connectNatsBus({ servers: url, name: 'single-r1', replicas: 1 });
    const log = capturedLogger();
    const three = await connectNatsBus({ servers: url, name: 'single-r3', replicas: 3, logger: log.logger });
    try {
      await (await one.kv(`${prefix}_single`)).put('k', enc('v'));
      const kv = await three.kv(`${prefix}_single`);
      expect(dec((await kv.get('k'))!.value)).toBe('v');
      const nc = await connect({ servers: url });
      expect((await (await nc.jetstreamManager()).streams.info(`KV_${prefix}_single`)).config.num_replicas).toBe(1);
      await nc.close();
      expect(log.lines.find((l) => /cannot raise the replicas/.test(l.msg))?.msg).toMatch(/not part of a cluster/);
    } finally {
      await Promise.all([one.close(), three.close()]);
    }
  });
});
