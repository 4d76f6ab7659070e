/**
 * A `ws` client for engine tests: frames queue up so a test can await them in order, and the
 * close code/reason and refused-upgrade responses are captured.
 */
import WebSocket from 'ws';
import { waitFor } from '@arcp/testkit';

export interface TestClient {
  readonly ws: WebSocket;
  /** The next frame (text as string, binary as Buffer); rejects after `ms`. */
  next(ms?: number): Promise<string | Buffer>;
  /** True when no frame is waiting now. */
  idle(): boolean;
  readonly closed: Promise<{ code: number; reason: string }>;
  send(data: string | Buffer): void;
}

/** `localAddress` picks the client's source address (127.0.0.x), to act as several clients. */
export function connect(url: string, opts: { localAddress?: string } = {}): Promise<TestClient> {
  const ws = new WebSocket(url, opts);
  const frames: Array<string | Buffer> = [];
  const waiters: Array<(f: string | Buffer) => void> = [];
  ws.on('message', (data: Buffer, isBinary) => {
    const frame = isBinary ? data : data.toString('utf8');
    const waiter = waiters.shift();
    if (waiter) waiter(frame);
    else frames.push(frame);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  const client: TestClient = {
    ws,
    closed,
    idle: () => frames.length === 0,
    send: (data) => ws.send(data),
    next(ms = 2000) {
      const ready = frames.shift();
      if (ready !== undefined) return Promise.resolve(ready);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no frame within ${ms} ms`)), ms);
        waiters.push((f) => {
          clearTimeout(timer);
          resolve(f);
        });
      });
    },
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(client));
    ws.once('error', reject);
  });
}

/** Opens an upgrade expected to be refused; resolves with the HTTP status and headers. */
export function refusedUpgrade(
  url: string,
  opts: { localAddress?: string } = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, opts);
    ws.once('open', () => reject(new Error('upgrade was accepted')));
    ws.once('error', () => undefined);
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
  });
}

/**
 * Terminates the clients and waits until the endpoints have seen every socket close, so no close
 * handler runs after the test that opened the sockets.
 */
export async function closeAll(clients: readonly TestClient[], endpoints: ReadonlyArray<{ count(): number }>): Promise<void> {
  for (const c of clients) c.ws.terminate();
  await waitFor(() => endpoints.every((e) => e.count() === 0), { what: 'the endpoints to see every socket close' });
}
