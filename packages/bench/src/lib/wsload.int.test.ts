/**
 * wsload's end-to-end marker (-M) against a raw WebSocket server that writes each frame in the
 * pieces the test chooses: by default the marker is looked for in a frame's first 160 bytes;
 * with -S anywhere in it, also when the marker or its digits are split between two reads.
 */
import { createHash } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { E2E_MARKER, startWsload } from './wsload';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC11B65';

/** The header of one unmasked text frame of `length` bytes from the server. */
function header(length: number): Buffer {
  if (length < 126) return Buffer.from([0x81, length]);
  if (length < 65536) return Buffer.from([0x81, 126, length >> 8, length & 0xff]);
  const h = Buffer.alloc(10);
  h[0] = 0x81;
  h[1] = 127;
  h.writeBigUInt64BE(BigInt(length), 2);
  return h;
}

/** Accepts WebSocket upgrades and hands each open socket to the test. */
async function rawServer(onOpen: (socket: Socket) => void): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    let request = '';
    const onData = (chunk: Buffer) => {
      request += chunk.toString('latin1');
      if (!request.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      const key = /Sec-WebSocket-Key: (\S+)/i.exec(request)![1]!;
      const accept = createHash('sha1')
        .update(key + GUID)
        .digest('base64');
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
      );
      onOpen(socket);
    };
    socket.on('data', onData);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** A cut just after the marker's stamp: the marker is read whole, the frame ends in the next read. */
const AFTER_TAG = E2E_MARKER.length + 18;
const nowMicros = () => Math.round((performance.timeOrigin + performance.now()) * 1000);
const tick = () => new Promise((r) => setTimeout(r, 50));

/**
 * One frame with the marker and a stamp (µs) after `before` bytes of padding, written in two
 * pieces cut `cut` bytes into the marker-and-digits text (a pause between them, so wsload reads
 * them apart), then a small frame the test waits for as a barrier.
 */
async function sendFrames(socket: Socket, stamp: number, before: number, cut: number): Promise<void> {
  const tagged = `${E2E_MARKER}${stamp}"`;
  const body = Buffer.from(`{"pad":"${'x'.repeat(before)}",${tagged},"end":1}`);
  const at = body.indexOf(tagged) + cut;
  const frame = Buffer.concat([header(body.length), body]);
  const split = header(body.length).length + at;
  socket.write(frame.subarray(0, split));
  await tick();
  socket.write(frame.subarray(split));
  socket.write(Buffer.concat([header(7), Buffer.from('{"b":1}')]));
}

async function e2eSeen(scanWholeFrame: boolean, before: number, cut: number): Promise<{ n: number; max: number }> {
  let opened: (s: Socket) => void = () => {};
  const open = new Promise<Socket>((resolve) => (opened = resolve));
  const { server, port } = await rawServer((s) => opened(s));
  const gen = startWsload({ port, path: '/', conns: 1, marker: E2E_MARKER, scanWholeFrame, maxSeconds: 30 });
  try {
    await gen.ready(10_000);
    const socket = await open;
    await gen.mark();
    const stamp = nowMicros();
    await sendFrames(socket, stamp, before, cut);
    let report = await gen.report();
    // The barrier frame counted: both frames were read.
    while (report.msgs < 2) {
      await tick();
      report = await gen.report();
    }
    const age = nowMicros() - stamp;
    socket.destroy();
    return { n: report.e2e_us.n, max: report.e2e_us.n && report.e2e_us.max <= age ? report.e2e_us.max : -1 };
  } finally {
    await gen.quit();
    server.close();
  }
}

describe('wsload end-to-end marker', () => {
  it('finds the marker in the first bytes of a frame by default', async () => {
    const seen = await e2eSeen(false, 10, AFTER_TAG);
    expect(seen.n).toBe(1);
    expect(seen.max).toBeGreaterThanOrEqual(40_000);
  });

  it('does not look past the first 160 bytes without -S', async () => {
    expect((await e2eSeen(false, 100_000, AFTER_TAG)).n).toBe(0);
  });

  it.each([
    ['whole in one read', AFTER_TAG],
    ['split inside the marker', 3],
    ['split inside the digits', E2E_MARKER.length + 4],
  ])('finds the marker deep in a frame with -S, %s', async (_what, cut) => {
    const seen = await e2eSeen(true, 100_000, cut);
    expect(seen.n).toBe(1);
    // The stamp was read whole: the frame ended after the 50 ms pause, and not later than the
    // report (a cut digit string would be far older, a doubled one in the future: 0).
    expect(seen.max).toBeGreaterThanOrEqual(40_000);
  });
});
