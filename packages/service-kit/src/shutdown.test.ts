import { Writable } from 'node:stream';
import { createLogger } from './logger';
import { createShutdown } from './shutdown';

function setup(timeoutMs = 1000) {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({
    service: 'test',
    level: 'info',
    destination: new Writable({
      write(chunk, _enc, cb) {
        lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
        cb();
      },
    }),
  });
  const exits: number[] = [];
  const shutdown = createShutdown({ logger, timeoutMs, exit: (code) => exits.push(code) });
  return { shutdown, exits, lines };
}

describe('createShutdown', () => {
  afterEach(() => jest.useRealTimers());

  it('marks shutting down first, runs steps in order, then exits 0', async () => {
    const { shutdown, exits } = setup();
    const order: string[] = [];
    shutdown.onShutdown('stop upgrades', () => {
      order.push(`upgrades:${shutdown.isShuttingDown()}`);
    });
    let closeSockets: () => void = () => undefined;
    const socketsClosed = new Promise<void>((r) => (closeSockets = r));
    shutdown.onShutdown('close sockets', async () => {
      await socketsClosed;
      order.push('sockets');
    });
    shutdown.onShutdown('drain bus', () => {
      order.push('bus');
    });
    expect(shutdown.isShuttingDown()).toBe(false);
    const done = shutdown.trigger('test');
    // A turn of the event loop: a step that is not awaited would let the next one run meanwhile.
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['upgrades:true']);
    expect(exits).toEqual([]);
    closeSockets();
    await done;
    expect(order).toEqual(['upgrades:true', 'sockets', 'bus']);
    expect(exits).toEqual([0]);
  });

  it('logs a failing step and continues with the next', async () => {
    const { shutdown, exits, lines } = setup();
    const order: string[] = [];
    shutdown.onShutdown('broken', () => {
      throw new Error('cannot close');
    });
    shutdown.onShutdown('after', () => {
      order.push('after');
    });
    await shutdown.trigger('test');
    expect(order).toEqual(['after']);
    expect(exits).toEqual([0]);
    expect(lines.find((l) => l.msg === 'shutdown step failed')).toMatchObject({ step: 'broken' });
  });

  it('runs the sequence once however often it is triggered', async () => {
    const { shutdown, exits } = setup();
    let runs = 0;
    shutdown.onShutdown('count', () => {
      runs += 1;
    });
    await Promise.all([shutdown.trigger('a'), shutdown.trigger('b')]);
    await shutdown.trigger('c');
    expect(runs).toBe(1);
    expect(exits).toEqual([0]);
  });

  it('exits 1 when the deadline passes and not again when the step ends', async () => {
    jest.useFakeTimers();
    const { shutdown, exits, lines } = setup(50);
    let release: () => void = () => undefined;
    shutdown.onShutdown('hangs', () => new Promise<void>((r) => (release = r)));
    const done = shutdown.trigger('test');
    jest.advanceTimersByTime(49);
    expect(exits).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(exits).toEqual([1]);
    expect(lines.find((l) => l.msg === 'shutdown deadline passed, exiting')).toMatchObject({ step: 'hangs' });
    release();
    await done;
    expect(exits).toEqual([1]);
  });

  it('starts on SIGTERM and exits at once on a second signal', async () => {
    const { shutdown, exits } = setup();
    let release: () => void = () => undefined;
    shutdown.onShutdown('slow', () => new Promise<void>((r) => (release = r)));
    const uninstall = shutdown.installSignalHandlers();
    try {
      process.emit('SIGTERM', 'SIGTERM');
      expect(shutdown.isShuttingDown()).toBe(true);
      process.emit('SIGINT', 'SIGINT');
      expect(exits).toEqual([1]);
    } finally {
      uninstall();
      release();
    }
  });
});
