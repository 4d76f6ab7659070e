/**
 * The baseline gateway: the product's public or agents channel (BASELINE_CHANNEL) on the `ws`
 * library instead of uWebSockets.js, with the same behaviour on every measured path and the same
 * environment variables as the real gateway:
 *   - input: the product's own directory read model (`createAgentDirectory`, KV watch on the agents
 *     bucket, same coalescing), public view and frame builders, so frames are byte-identical and
 *     fed the same way; only the transport differs;
 *   - public: welcome on connect, `agents_update` encoded once per change and sent to every socket
 *     (ws has no native publish: a loop of `send`), text/JSON ping answered;
 *   - agents: `auth_required`, first-message JWT verified by the product's credential gate (jose +
 *     revocation bucket), `auth_success` + the agent list, `auth_error` + 1008 on failure;
 *   - backpressure as the product: a socket over *_WS_MAX_BACKPRESSURE_BYTES is skipped by
 *     broadcasts and closed 4201 when still over on the next 1 s check (counted as a drop).
 *   - BENCH_FORWARD_SUBJECT: frames from that bus subject are broadcast as they come (the product's
 *     engine `forward` path, see variants/public-forward.ts).
 * Not implemented (never measured): get_discovery, stats_update, rate limits, revocation events.
 * OPS_PORT serves /readyz and /metrics (arcp_gateway_* names used by the harness).
 */
import { createServer } from 'node:http';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { verifyingTokenService } from '@arcp/auth';
import { createDirectoryReader } from '@arcp/directory';
import { createCoalescer, createCredentialGate, createPublicView, directoryCache } from '@arcp/gateway';
import {
  AGENT_AUTH_CLOSE_CODE,
  AUTH_REQUIRED_FRAME,
  AUTH_SUCCESS_FRAME,
  AgentAuthFailures,
  CloseCodes,
  WELCOME_FRAME,
  agentsUpdateFrame,
  authErrorFrame,
  encodeFrame,
  parseAgentAuth,
  pongFrame,
  subjects,
  toWsAgent,
} from '@arcp/protocol';
import { connectNatsBus, type LoggerLike } from '@arcp/service-kit';

const env = process.env;
const channel = env.BASELINE_CHANNEL === 'agents' ? 'agents' : 'public';
const P = channel === 'agents' ? 'AGENT' : 'PUBLIC';
const num = (name: string, dflt: number) => Number(env[name] ?? dflt);
const timeoutMs = num('AGENT_HEARTBEAT_TIMEOUT', 60) * 1000;
const backpressure = num(`${P}_WS_MAX_BACKPRESSURE_BYTES`, 1024 * 1024);
const quiet = () => {};
const logger: LoggerLike = {
  debug: quiet,
  info: quiet,
  warn: (o, m) => console.error('warn', m, o),
  error: (o, m) => console.error('error', m, o),
};

const counters = new Map<string, number>();
const inc = (key: string, by = 1) => counters.set(key, (counters.get(key) ?? 0) + by);
const subscribers = new Set<WebSocket>();
const overSince = new Map<WebSocket, number>();

function broadcast(bytes: Buffer, type: string): void {
  for (const ws of subscribers) {
    if (ws.readyState !== WebSocket.OPEN || ws.bufferedAmount >= backpressure) continue;
    ws.send(bytes);
    inc(`arcp_gateway_messages_sent_total{channel="${channel}",type="${type}"}`);
  }
}

async function main(): Promise<void> {
  const bus = await connectNatsBus({ servers: (env.NATS_URL ?? 'nats://127.0.0.1:4222').split(','), name: `ws-baseline-${channel}` });
  const prefix = env.ARCP_BUS_PREFIX ?? 'arcp';
  const coalesceMs = num(`${P}_WS_COALESCE_MS`, 50);
  const directory = createDirectoryReader({ bus, bucket: subjects(prefix).agentsBucket, logger, heartbeatTimeoutMs: timeoutMs });
  const view = createPublicView(directory);
  const list = directoryCache(directory, () => encodeFrame(directory.all().map((a) => toWsAgent(a, a.status))));
  const agentList = () => list.get();
  const updates = createCoalescer({
    windowMs: coalesceMs,
    run: async () => {
      await directory.sync();
      if (channel === 'public') broadcast(encodeFrame(agentsUpdateFrame([...view.alive()], Date.now())), 'agents_update');
      else broadcast(agentList(), 'agent_list');
    },
    onError: (err) => logger.error({ err }, 'broadcast failed'),
  });
  directory.onChange(() => updates.signal());
  const gate =
    channel === 'agents'
      ? await createCredentialGate({
          bus,
          prefix,
          tokens: verifyingTokenService({ JWT_SECRET: env.JWT_SECRET ?? '', JWT_ALGORITHM: 'HS256' }),
          logger,
        })
      : undefined;
  await directory.start();
  // The fanout benchmark's engine-forward feed: ready-made frames from a bus subject, as the
  // product's `EndpointHandle.forward` takes them.
  const forward = env.BENCH_FORWARD_SUBJECT;
  if (forward) bus.subscribe(forward, (msg) => broadcast(Buffer.from(msg.data), 'agents_update'));

  const welcome = JSON.stringify(WELCOME_FRAME);
  const authRequired = JSON.stringify(AUTH_REQUIRED_FRAME);
  const authSuccess = JSON.stringify(AUTH_SUCCESS_FRAME);
  const wss = new WebSocketServer({
    host: env.GATEWAY_HOST ?? '127.0.0.1',
    port: num('GATEWAY_PORT', 8080),
    path: `/${channel}/ws`,
    maxPayload: num(`${P}_WS_MAX_PAYLOAD_BYTES`, 64 * 1024),
    perMessageDeflate: false,
  });
  wss.on('connection', (ws, req) => {
    inc(`arcp_gateway_connections_opened_total{channel="${channel}"}`);
    ws.on('close', () => {
      subscribers.delete(ws);
      overSince.delete(ws);
    });
    ws.on('error', () => {});
    if (channel === 'public') {
      ws.send(welcome);
      subscribers.add(ws);
      ws.on('message', (data: RawData, isBinary) => {
        const text = isBinary ? '' : data.toString();
        if (text.trim().toLowerCase() === 'ping') ws.send('pong');
        else if (text.includes('"ping"')) ws.send(JSON.stringify(pongFrame(Date.now())));
      });
      return;
    }
    ws.send(authRequired);
    const timer = setTimeout(() => ws.close(AGENT_AUTH_CLOSE_CODE, AgentAuthFailures.timeout.reason), num('AGENT_WS_TIMEOUT', 30) * 1000);
    let phase: 'awaiting' | 'verifying' | 'ready' = 'awaiting';
    ws.on('message', (data: RawData) => {
      if (phase !== 'awaiting') return;
      phase = 'verifying';
      const parsed = parseAgentAuth(data.toString());
      const fail = (kind: keyof typeof AgentAuthFailures) => {
        inc(`arcp_gateway_auth_failures_total{channel="agents",reason="${kind}"}`);
        const frame = authErrorFrame(kind);
        if (frame) ws.send(JSON.stringify(frame));
        ws.close(AGENT_AUTH_CLOSE_CODE, AgentAuthFailures[kind].reason);
      };
      clearTimeout(timer);
      if (!parsed.ok) return fail(parsed.failure);
      gate!.verify(parsed.token, ['agent', 'admin'], { ip: req.socket.remoteAddress ?? '', endpoint: '/agents/ws' }).then(
        async () => {
          // The same read-your-writes barrier as the product before the first list.
          await directory.sync();
          if (ws.readyState !== WebSocket.OPEN) return;
          phase = 'ready';
          ws.send(authSuccess);
          ws.send(agentList());
          subscribers.add(ws);
        },
        () => fail('invalid_token'),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });

  const sweep = setInterval(() => {
    const t = Date.now();
    for (const ws of subscribers) {
      if (ws.bufferedAmount < backpressure) overSince.delete(ws);
      else if (!overSince.has(ws)) overSince.set(ws, t);
      else {
        inc(`arcp_gateway_drops_total{channel="${channel}",reason="backpressure"}`);
        subscribers.delete(ws);
        ws.close(CloseCodes.SLOW_CONSUMER, 'Slow consumer, reconnect');
        // ws waits for the close handshake; a peer that does not read never answers it.
        setTimeout(() => ws.terminate(), 1000).unref();
      }
    }
  }, 1000);

  const ops = createServer((req, res) => {
    if (req.url === '/readyz' || req.url === '/healthz') return void res.writeHead(200).end('ok');
    if (req.url !== '/metrics') return void res.writeHead(404).end();
    const lines = [`arcp_gateway_connections{channel="${channel}"} ${wss.clients.size}`];
    for (const [k, v] of counters) lines.push(`${k} ${v}`);
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`${lines.join('\n')}\n`);
  });
  ops.listen(num('OPS_PORT', 9464), env.OPS_HOST ?? '127.0.0.1');

  const stop = () => {
    clearInterval(sweep);
    directory.stop();
    for (const ws of wss.clients) ws.terminate();
    wss.close();
    ops.close();
    void bus.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
