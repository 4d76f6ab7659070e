/**
 * KV watches across a NATS server restart: an own nats-server on a fixed port and store is
 * stopped and started again. The watch resumes as soon as its connection is back, delivers what
 * was written while it was away exactly once, and a stopped watch stays stopped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findNatsServerBinary, freePort, startNatsServer, type RunningNatsServer } from '@arcp/cluster';
import { type Bus, type KvEntry } from './bus';
import { connectNatsBus } from './nats-bus';
import { enc, waitFor } from './test-support/helpers';

function describeWithNatsBinary(name: string, fn: () => void): void {
  if (findNatsServerBinary()) describe(name, fn);
  else if (process.env.CI === 'true') {
    describe(name, () => {
      it('has nats-server installed', () => {
        throw new Error('nats-server is not installed and CI=true refuses to skip (apt-get install nats-server)');
      });
    });
  } else describe.skip(`${name} (nats-server not installed)`, fn);
}

describeWithNatsBinary('KV watch across a server restart', () => {
  let port: number;
  let store: string;
  let server: RunningNatsServer;
  const buses: Bus[] = [];
  const connect = async (reconnectTimeWaitMs: number) => {
    const bus = await connectNatsBus({ servers: `nats://127.0.0.1:${port}`, name: 'kv-resume-test', reconnectTimeWaitMs });
    buses.push(bus);
    return bus;
  };
  /** Stops the server, waits until every bus has seen its connection drop, starts it again. */
  const restart = async () => {
    await server.stop();
    await waitFor('every bus to see the server gone', () => buses.every((b) => b.status() === 'reconnecting'), 10_000);
    server = await startNatsServer({ port, storeDir: store });
  };

  beforeEach(async () => {
    port = await freePort();
    store = mkdtempSync(join(tmpdir(), 'kv-resume-'));
    server = await startNatsServer({ port, storeDir: store });
  });
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.close().catch(() => undefined)));
    await server.stop();
    rmSync(store, { recursive: true, force: true });
  });

  it('resumes when the connection is back and delivers what was written meanwhile, once', async () => {
    // The writer reconnects after 100 ms, the watcher after 1.5 s: the writer's put lands while
    // the watcher is still away.
    const writerBus = await connect(100);
    const writer = await writerBus.kv('resume');
    const watcherBus = await connect(1500);
    const seen: KvEntry[] = [];
    const watch = await (await watcherBus.kv('resume')).watch({ initial: true }, (e) => seen.push(e));
    await writer.put('a', enc('1'));
    await waitFor('the first entry', () => seen.length === 1);

    await restart();
    await waitFor('the writer back', () => writerBus.status() === 'connected', 10_000);
    expect(watcherBus.status()).not.toBe('connected');
    await writer.put('meanwhile', enc('2'));
    await waitFor('the watcher back', () => watcherBus.status() === 'connected', 10_000);
    const back = Date.now();
    await writer.put('after', enc('3'));
    // nats.js alone would wait for missed idle heartbeats (5 s apart) before it recreates its
    // consumer; the resumed watch has both entries well within that.
    await waitFor('both entries on the resumed watch', () => seen.some((e) => e.key === 'after'), 2500);
    expect(Date.now() - back).toBeLessThan(2500);
    expect(seen.map((e) => e.key)).toEqual(['a', 'meanwhile', 'after']);
    expect(seen.map((e) => e.revision)).toEqual([...seen.map((e) => e.revision)].sort((x, y) => x - y));
    watch.stop();
  }, 30_000);

  it('delivers deletions made while it was away', async () => {
    const writerBus = await connect(100);
    const writer = await writerBus.kv('resume_del');
    const watcherBus = await connect(1500);
    const seen: KvEntry[] = [];
    await writer.put('gone', enc('1'));
    const watch = await (await watcherBus.kv('resume_del')).watch({ initial: true }, (e) => seen.push(e));
    await waitFor('the initial entry', () => seen.length === 1);
    await restart();
    await waitFor('the writer back', () => writerBus.status() === 'connected', 10_000);
    await writer.delete('gone');
    await waitFor('the watcher back', () => watcherBus.status() === 'connected', 10_000);
    await waitFor('the deletion on the resumed watch', () => seen.some((e) => e.key === 'gone' && e.operation !== 'PUT'), 2500);
    watch.stop();
  }, 30_000);

  it('stays stopped across a restart once stopped', async () => {
    const bus = await connect(100);
    const kv = await bus.kv('resume_stop');
    const seen: KvEntry[] = [];
    const watch = await kv.watch({ initial: true }, (e) => seen.push(e));
    // A watch left running resumes on the same reconnection a wrongly resumed stopped one would.
    const control: string[] = [];
    const running = await kv.watch({ initial: true }, (e) => control.push(e.key));
    watch.stop();
    await restart();
    await waitFor('the bus back', () => bus.status() === 'connected', 10_000);
    await kv.put('x', enc('1'));
    await kv.put('y', enc('2'));
    await waitFor('both entries on the running watch', () => control.includes('y'), 10_000);
    expect(control).toEqual(['x', 'y']);
    expect(seen).toEqual([]);
    running.stop();
  }, 30_000);
});
