import { type Bus } from './bus';
import { BusUnavailableError, KvConflictError } from './errors';
import { connectNatsBus } from './nats-bus';
import { runBusContract } from './test-support/bus-contract';
import { enc, runToken, waitFor } from './test-support/helpers';

// The integration project's global setup starts nats-server and exports NATS_URL (or explains
// in ARCP_NATS_UNAVAILABLE why it could not).
const natsUrl = process.env.NATS_URL;
const prefix = `skbus_${runToken()}`;
const opened: Bus[] = [];

async function connectTracked(opts: Partial<Parameters<typeof connectNatsBus>[0]> = {}): Promise<Bus> {
  const bus = await connectNatsBus({ servers: natsUrl ?? '', name: 'service-kit-test', ...opts });
  opened.push(bus);
  return bus;
}

/** Deletes every stream (KV buckets included) this file created, then closes leftover buses. */
async function cleanup(): Promise<void> {
  const { connect } = await import('nats');
  const nc = await connect({ servers: natsUrl ?? '' });
  const jsm = await nc.jetstreamManager();
  for await (const si of jsm.streams.list()) {
    if (si.config.name.includes(prefix)) await jsm.streams.delete(si.config.name);
  }
  await nc.close();
  await Promise.all(opened.map((b) => b.close()));
}

if (!natsUrl) {
  describe.skip(`NATS bus (${process.env.ARCP_NATS_UNAVAILABLE ?? 'NATS_URL not set'})`, () => {
    it('needs a NATS server', () => undefined);
  });
} else {
  runBusContract('nats', () => connectTracked(), cleanup, { prefix });

  describe('NATS bus specifics', () => {
    it('reports handler errors to the hook and keeps the subscription', async () => {
      const errors: string[] = [];
      const bus = await connectTracked({ onHandlerError: (err, subject) => errors.push(`${subject}:${(err as Error).message}`) });
      const subject = `${prefix}.hook`;
      let calls = 0;
      bus.subscribe(subject, () => {
        calls += 1;
        throw new Error('boom');
      });
      await bus.flush();
      bus.publish(subject, enc('1'));
      bus.publish(subject, enc('2'));
      await waitFor('two failing deliveries', () => errors.length === 2);
      expect(calls).toBe(2);
      expect(errors).toEqual([`${subject}:boom`, `${subject}:boom`]);
      await bus.close();
    });

    /**
     * Counts what is published on a KV key's subject, refused writes included. Once a write has
     * been answered its message is already queued for this connection, so after `settled()` (a
     * round trip of its own) the count is exact.
     */
    async function countWrites(bucket: string, key: string): Promise<{ settled(): Promise<number>; close(): Promise<void> }> {
      const { connect } = await import('nats');
      const nc = await connect({ servers: natsUrl ?? '' });
      let n = 0;
      nc.subscribe(`$KV.${bucket}.${key}`, { callback: () => void n++ });
      await nc.flush();
      return {
        settled: async () => {
          await nc.flush();
          return n;
        },
        close: () => nc.close(),
      };
    }

    it('creates a deleted key again in one write when it deleted or read the delete marker', async () => {
      const [a, b, c] = await Promise.all([connectTracked(), connectTracked(), connectTracked()]);
      const bucket = `${prefix}_recreate`;
      const [kvA, kvB, kvC] = await Promise.all([a.kv(bucket), b.kv(bucket), c.kv(bucket)]);
      const text = async (kv: typeof kvA) => new TextDecoder().decode((await kv.get('agent'))!.value);
      await kvA.create('agent', enc('v1'));
      await kvA.delete('agent');
      const writes = await countWrites(bucket, 'agent');
      try {
        // The side that deleted it.
        const v2 = await kvA.create('agent', enc('v2'));
        expect(await writes.settled()).toBe(1);
        expect(await text(kvB)).toBe('v2');
        // A side that read the marker.
        await kvA.delete('agent', v2);
        expect(await kvB.get('agent')).toBeNull();
        await kvB.create('agent', enc('v3'));
        expect(await writes.settled()).toBe(3);
        expect(await text(kvA)).toBe('v3');
        // A side that knows nothing of it: a refused write, a read, then the write.
        await kvB.delete('agent');
        await kvC.create('agent', enc('v4'));
        expect(await writes.settled()).toBe(6);
        expect(await text(kvA)).toBe('v4');
      } finally {
        await writes.close();
      }
    });

    it('a remembered delete marker that moved on never changes what a create decides', async () => {
      const [a, b] = await Promise.all([connectTracked(), connectTracked()]);
      const bucket = `${prefix}_stale`;
      const [kvA, kvB] = await Promise.all([a.kv(bucket), b.kv(bucket)]);
      // Recreated by someone else: the create is refused.
      await kvA.create('taken', enc('1'));
      await kvA.delete('taken');
      await kvB.create('taken', enc('2'));
      await expect(kvA.create('taken', enc('3'))).rejects.toBeInstanceOf(KvConflictError);
      expect(new TextDecoder().decode((await kvA.get('taken'))!.value)).toBe('2');
      // Recreated and deleted again by someone else: a newer marker, the create goes through.
      await kvA.create('moved', enc('1'));
      await kvA.delete('moved');
      await kvB.create('moved', enc('2'));
      await kvB.delete('moved');
      await kvA.create('moved', enc('3'));
      expect(new TextDecoder().decode((await kvB.get('moved'))!.value)).toBe('3');
    });

    it('opens the same KV bucket and stream concurrently from two connections', async () => {
      const [a, b] = await Promise.all([connectTracked(), connectTracked()]);
      const bucket = `${prefix}_race`;
      const [kvA, kvB] = await Promise.all([a.kv(bucket, { ttlMs: 60_000 }), b.kv(bucket, { ttlMs: 60_000 })]);
      await kvA.put('k', enc('v'));
      expect((await kvB.get('k'))?.revision).toBeGreaterThan(0);
      const opts = { subjects: [`${prefix}.race.>`], maxMsgs: 5 };
      const [sA] = await Promise.all([a.stream(`${prefix}_RACE`, opts), b.stream(`${prefix}_RACE`, opts)]);
      await expect(sA.append(`${prefix}.race.x`, enc('m'))).resolves.toBeGreaterThan(0);
      const widened = await a.stream(`${prefix}_RACE`, { subjects: [`${prefix}.race.>`], maxMsgs: 10 });
      for (let i = 0; i < 9; i++) await widened.append(`${prefix}.race.x`, enc(String(i)));
      expect(await widened.last(20)).toHaveLength(10);
      await Promise.all([a.close(), b.close()]);
    });
  });
}

describe('NATS bus while the server is down', () => {
  it('fails KV, stream and request operations at once with BusUnavailableError, and works again after the server is back', async () => {
    const { startNatsServer, freePort } = await import('@arcp/cluster');
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const storeDir = mkdtempSync(join(tmpdir(), 'arcp-bus-down-'));
    const port = await freePort();
    let server = await startNatsServer({ port, storeDir });
    const bus = await connectNatsBus({ servers: server.url, name: 'bus-down', reconnectTimeWaitMs: 100 });
    try {
      const kv = await bus.kv('down_kv');
      const stream = await bus.stream('DOWN_STREAM', { subjects: ['down.stored'], maxMsgs: 10 });
      await kv.put('k', enc('v'));
      await server.stop();
      await waitFor('reconnecting', () => bus.status() === 'reconnecting');
      const started = Date.now();
      await expect(kv.get('k')).rejects.toBeInstanceOf(BusUnavailableError);
      await expect(kv.lastRevision()).rejects.toBeInstanceOf(BusUnavailableError);
      await expect(stream.append('down.stored', enc('m'))).rejects.toBeInstanceOf(BusUnavailableError);
      await expect(stream.last(1)).rejects.toBeInstanceOf(BusUnavailableError);
      await expect(bus.request('down.req', enc('x'), { timeoutMs: 5000 })).rejects.toBeInstanceOf(BusUnavailableError);
      // All of it without waiting out any timeout.
      expect(Date.now() - started).toBeLessThan(1000);
      server = await startNatsServer({ port, storeDir });
      await waitFor('reconnected', () => bus.status() === 'connected', 10_000);
      expect(new TextDecoder().decode((await kv.get('k'))!.value)).toBe('v');
    } finally {
      await bus.close();
      await server.stop();
      rmSync(storeDir, { recursive: true, force: true });
    }
  }, 30_000);
});
