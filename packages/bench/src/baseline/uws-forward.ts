/**
 * Raw uWebSockets.js on the engine forward path, for the fan-out benchmark's "same frame size"
 * comparison: every message of BENCH_FORWARD_SUBJECT (nats.js, one subscription) is handed to
 * `app.publish` on one topic as it arrives, which every socket on `/public/ws` joins on open (after
 * a welcome frame). Nothing of the product: no engine, relay, limits or metrics library. OPS_PORT
 * serves `/readyz` and `/metrics` with the two arcp_gateway_* series the harness reads (sockets
 * open, frames handed to sockets).
 */
import { createServer } from 'node:http';
import { connect } from 'nats';
import { rawPublicApp, RAW_TOPIC } from './raw-uws';

const env = process.env;
let sent = 0;

async function main(): Promise<void> {
  const nc = await connect({ servers: env.NATS_URL ?? 'nats://127.0.0.1:4222', name: 'uws-forward' });
  const { app, open } = rawPublicApp(Number(env.PUBLIC_WS_MAX_BACKPRESSURE_BYTES ?? 1024 * 1024));
  const subject = env.BENCH_FORWARD_SUBJECT ?? 'bench.frames';
  nc.subscribe(subject, {
    callback: (_err, msg) => {
      const subscribers = app.numSubscribers(RAW_TOPIC);
      app.publish(RAW_TOPIC, msg.data, false, false);
      sent += subscribers;
    },
  });
  await new Promise<void>((resolve, reject) =>
    app.listen(env.GATEWAY_HOST ?? '127.0.0.1', Number(env.GATEWAY_PORT ?? 0), (listen) =>
      listen ? resolve() : reject(new Error(`cannot listen on ${env.GATEWAY_PORT}`)),
    ),
  );
  createServer((req, res) => {
    if (req.url === '/readyz') return void res.end('ok');
    if (req.url === '/metrics') {
      res.setHeader('content-type', 'text/plain; version=0.0.4');
      return void res.end(
        `arcp_gateway_connections{channel="public"} ${open()}\narcp_gateway_messages_sent_total{channel="public",type="agents_update"} ${sent}\n`,
      );
    }
    res.statusCode = 404;
    res.end();
  }).listen(Number(env.OPS_PORT ?? 0), env.OPS_HOST ?? '127.0.0.1');
  process.on('SIGTERM', () => {
    void nc.close().finally(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`uws-forward: ${String(err)}\n`);
  process.exit(1);
});
