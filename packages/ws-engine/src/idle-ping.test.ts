/**
 * The application keep-alive on a fake clock: a ready socket silent for `idlePingMs` gets a text
 * `ping` (again every `idlePingMs` while it stays silent); one that talks, one still
 * authenticating and a closed one get nothing.
 */
import { startIdlePinger, type IdlePinger } from './idle-ping';
import type { UwsConnection } from './uws-connection';

interface FakeConn {
  isOpen: boolean;
  phase: 'awaiting' | 'verifying' | 'ready';
  lastActivityAt: number;
  sent: string[];
  send(data: string, isBinary: boolean, type: string): void;
  idleFor(now: number): number;
  touch(now: number): void;
}

const IDLE = 400; // the sweep runs every IDLE / 4 = 100 ms

function conn(over: Partial<FakeConn> = {}): FakeConn {
  const c: FakeConn = {
    isOpen: true,
    phase: 'ready',
    lastActivityAt: Date.now(),
    sent: [],
    send: (d, isBinary, type) => void c.sent.push(`${d}${isBinary ? ' binary' : ''} as ${type}`),
    idleFor: (now) => now - c.lastActivityAt,
    touch: (now) => void (c.lastActivityAt = now),
    ...over,
  };
  return c;
}

let pinger: IdlePinger | undefined;
beforeEach(() => jest.useFakeTimers());
afterEach(() => {
  pinger?.stop();
  jest.useRealTimers();
});

const start = (conns: FakeConn[]) => (pinger = startIdlePinger(new Set(conns as unknown as UwsConnection[]), IDLE));

test('a silent ready socket is pinged once idlePingMs has passed, then every idlePingMs', () => {
  const silent = conn();
  start([silent]);
  jest.advanceTimersByTime(IDLE - 100);
  expect(silent.sent).toEqual([]);
  jest.advanceTimersByTime(100);
  expect(silent.sent).toEqual(['ping as ping']);
  jest.advanceTimersByTime(IDLE - 100);
  expect(silent.sent).toEqual(['ping as ping']);
  jest.advanceTimersByTime(100);
  expect(silent.sent).toEqual(['ping as ping', 'ping as ping']);
});

test('sockets are checked every idlePingMs / 4, not continuously', () => {
  // Silent since 50 ms after the start: idle from 450 ms, found idle by the check at 500 ms.
  const c = conn({ lastActivityAt: Date.now() + 50 });
  start([c]);
  jest.advanceTimersByTime(490);
  expect(c.sent).toEqual([]);
  jest.advanceTimersByTime(10);
  expect(c.sent).toEqual(['ping as ping']);
});

test('stop ends the pings', () => {
  const c = conn();
  start([c]).stop();
  jest.advanceTimersByTime(IDLE * 3);
  expect(c.sent).toEqual([]);
});

test('a socket that keeps talking is never pinged', () => {
  const chatty = conn();
  start([chatty]);
  for (let i = 0; i < 20; i++) {
    jest.advanceTimersByTime(IDLE / 2);
    chatty.lastActivityAt = Date.now();
  }
  expect(chatty.sent).toEqual([]);
});

test('sockets still authenticating and closed sockets are not pinged', () => {
  const pending = conn({ phase: 'awaiting' });
  const closed = conn({ isOpen: false });
  start([pending, closed]);
  jest.advanceTimersByTime(IDLE * 3);
  expect(pending.sent).toEqual([]);
  expect(closed.sent).toEqual([]);
});
