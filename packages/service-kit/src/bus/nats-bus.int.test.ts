import { type Bus } from './bus';
import { BusUnavailableError } from './errors';
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
