/**
 * The floor under the latency benchmark: raw uWebSockets.js (the native addon the product loads,
 * nothing of the product around it) with every socket on `/public/ws` subscribed to one topic.
 * Each `p` line on stdin publishes one frame, built at that instant, to all of them: a JSON text
 * frame of FLOOR_FRAME_BYTES bytes (default 750, one agent's `agents_update`) that carries the
 * marker wsload times (`"name":"t<epoch µs>"`) and an epoch-float `"timestamp"`. No HTTP, no NATS,
 * no directory: what is left is uWS's write to every socket, the kernel, and the generator's read.
 * Prints `listening <port>` when ready; exits on stdin end.
 */
import { createInterface } from 'node:readline';
import { rawPublicApp, RAW_TOPIC } from './raw-uws';

const port = Number(process.env.FLOOR_PORT ?? 0);
const size = Number(process.env.FLOOR_FRAME_BYTES ?? 750);

const nowMicros = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

/** One frame of `size` bytes: the marker first (wsload reads the first 160 bytes), padding last. */
function frame(): string {
  const us = nowMicros();
  const head = `{"type":"agents_update","data":[{"name":"t${us}","description":"`;
  const tail = `"}],"timestamp":${(us / 1e6).toFixed(6)}}`;
  return head + 'x'.repeat(Math.max(0, size - head.length - tail.length)) + tail;
}

const { uws, app } = rawPublicApp();
app.listen('127.0.0.1', port, (listen) => {
  if (!listen) {
    process.stderr.write(`uws-floor: cannot listen on port ${port}\n`);
    process.exit(1);
  }
  process.stdout.write(`listening ${uws.us_socket_local_port(listen)}\n`);
});

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() === 'p') app.publish(RAW_TOPIC, frame(), false);
});
lines.on('close', () => process.exit(0));
