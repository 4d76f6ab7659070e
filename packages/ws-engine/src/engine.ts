/**
 * Mounts a `EndpointDefinition` on a uWS app: upgrade admission (cap, draining), socket
 * lifecycle and metrics, and the handle services use to fan out, revoke and drain. Per-frame
 * work lives in `inbound.ts`, auth in `auth-step.ts`, slow consumers in `slow-consumers.ts`.
 */
import type { HttpRequest as UwsRequest, HttpResponse as UwsResponse, us_socket_context_t } from 'uWebSockets.js';
import type { Registry } from 'prom-client';
import { CloseCodes, CloseReasons } from '@arcp/protocol';
import type { Bus, Subscription } from '@arcp/service-kit';
import type { EndpointDefinition } from './endpoint';
import type { Connection } from './connection';
import { guard, type InboundContext } from './context';
import { channelCells, socketMetrics } from './socket-metrics';
import { writeResponse } from './http-mount';
import { normalizeIp } from './http-request';
import type { LoggerLike } from '@arcp/service-kit';
import { problemResponse } from './problem';
import type { UwsApp } from './server';
import { expireCredential, startAuth } from './auth-step';
import { createExpiryClock } from './expiry';
import { onFrame } from './inbound';
import { drainInBatches, type DrainOptions } from './drain';
import { startSlowConsumerSweep } from './slow-consumers';
import { startIdlePinger } from './idle-ping';
import { createSocketLog } from './socket-log';
import { createAdmission, type RefusalReason } from './admission';
import { createRelay } from './relay';
import { FANOUT_SHARDS, rebaseActivity, shardTopic, UwsConnection, type EndpointShared, type SocketData } from './uws-connection';

export interface MountEndpointDeps {
  logger: LoggerLike;
  registry: Registry;
  /** Needed only for `forward` (bus subject → uWS topic). */
  bus?: Bus;
  /** `Retry-After` seconds on a refused upgrade (cap or draining). Default 5. */
  retryAfterS?: number;
  /** Peer address from `X-Forwarded-For` (behind a trusted proxy). */
  trustProxy?: boolean;
}

export interface EndpointHandle {
  readonly name: string;
  readonly draining: boolean;
  /** Open sockets on this replica (authenticated or not). */
  count(): number;
  /** Authenticated sockets and sockets waiting for their first message. */
  counts(): { authenticated: number; pending: number };
  connections(): IterableIterator<Connection>;
  /**
   * Hands already-encoded bytes to every subscriber of `topic`, through the endpoint's paced,
   * ordered queue (relay.ts): at once while the turn's budget lasts, shard by shard in the turns
   * that follow past it. `type` labels the metrics. Returns the subscriber count.
   */
  publish(topic: string, bytes: string | Uint8Array, type: string): number;
  /**
   * The same for bytes that arrived from the bus, without counting subscribers first: the oldest
   * waiting frames are dropped (`arcp_gateway_drops_total{reason="overload"}`) past the queue's bound.
   */
  relay(topic: string, bytes: string | Uint8Array, type: string): void;
  /** Relays every message of a bus subject to a topic, unchanged. */
  forward(subject: string, topic: string, type: string): Subscription;
  /** Closes every socket matching `predicate` (revocations); returns how many. */
  closeWhere(predicate: (conn: Connection) => boolean, code: number, reason: string): number;
  /** Refuses upgrades from now on and closes open sockets in bounded batches. */
  drain(opts?: DrainOptions): Promise<void>;
  /** Stops the engine's timers and bus forwards (sockets are left to `drain`). */
  stop(): void;
}

/** How often the activity stamps' origin moves (well inside the ~12 days they can span). */
const ACTIVITY_REBASE_MS = 24 * 3600_000;

/** The reason uWS gives when it drops a socket for a frame over its own hard limit. */
const UWS_TOO_BIG = 'Received too big message';

/**
 * uWS drops a socket whose frame exceeds `maxPayloadLength` without a close frame (the client
 * sees 1006). The engine therefore checks the channel limit itself (a proper 1009 close) and
 * leaves uWS a hard limit of twice that, which only gross abuse reaches.
 */
export function transportPayloadLimit(maxPayloadBytes: number): number {
  return maxPayloadBytes * 2;
}

export function mountEndpoint(app: UwsApp, def: EndpointDefinition, deps: MountEndpointDeps): EndpointHandle {
  const metrics = socketMetrics(deps.registry);
  const withAuth = def.auth !== undefined;
  const admission = createAdmission(
    {
      maxConnections: def.limits.maxConnections,
      maxPending: def.limits.maxPending ?? def.limits.maxConnections,
      maxPerAddress: def.limits.maxPerAddress ?? Number.POSITIVE_INFINITY,
    },
    withAuth,
  );
  const channel = def.name;
  const cells = channelCells(metrics, channel);
  const expiry = createExpiryClock<UwsConnection>(expireCredential);
  const ctx: InboundContext = { def, metrics, cells, expiry, logger: deps.logger, admission };
  const conns = new Set<UwsConnection>();
  /** Sockets the slow-consumer sweep saw over the send-buffer limit (usually none). */
  const overLimit = new Set<UwsConnection>();
  /** Hands one shard of a topic's subscribers (the relay counted them) a frame; returns the deliveries. */
  const publishShard = (topic: string, shard: number, bytes: string | Uint8Array, type: string, subscribers: number): number => {
    const name = shardTopic(topic, shard);
    // uWS skips a subscriber whose send buffer is over the limit: count those frames as dropped
    // (sockets the sweep has seen over it; a socket goes over between two sweeps unnoticed).
    let skipped = 0;
    if (overLimit.size > 0) {
      for (const conn of overLimit)
        if (conn.shard === shard && conn.bufferedAmount() > def.limits.maxBackpressureBytes && conn.isSubscribed(topic)) skipped++;
    }
    app.publish(name, bytes, false, false);
    const delivered = subscribers - skipped;
    if (skipped > 0) metrics.drops.inc({ channel, reason: 'skipped' }, skipped);
    cells.sent(type).add(delivered);
    cells.sentBytes.add(delivered * (typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.byteLength));
    return delivered;
  };

  const relay = createRelay({
    subscribers: (topic, shard) => app.numSubscribers(shardTopic(topic, shard)),
    publish: publishShard,
    shards: FANOUT_SHARDS,
    onDrop: (_type, frames) => metrics.drops.inc({ channel, reason: 'overload' }, frames),
    onSent: (_type, seconds, deliveries) => {
      if (deliveries > 0) metrics.fanout.observe({ channel }, seconds);
    },
    ...(def.limits.relayTurnDeliveries === undefined ? {} : { turnDeliveries: def.limits.relayTurnDeliveries }),
    ...(def.limits.relayTurnSockets === undefined ? {} : { turnSockets: def.limits.relayTurnSockets }),
    ...(def.limits.relayMaxPending === undefined ? {} : { maxPending: def.limits.relayMaxPending }),
  });

  /** Subscribers of `topic` across its shards. */
  const subscribersOf = (topic: string): number => {
    let n = 0;
    for (let shard = 0; shard < FANOUT_SHARDS; shard++) n += app.numSubscribers(shardTopic(topic, shard));
    return n;
  };

  const publish = (topic: string, bytes: string | Uint8Array, type: string): number => {
    const subscribers = subscribersOf(topic);
    // While the queue holds anything, a socket's subscribe may be waiting in it: queue the frame
    // anyway, so that socket gets it once subscribed.
    if (subscribers > 0 || relay.busy()) relay.push(topic, bytes, type);
    return subscribers;
  };

  const shared: EndpointShared = { channel, rate: def.limits.messageRate, metrics, cells, activityEpoch: Date.now(), outbound: relay };
  // Activity stamps are offsets from `shared.activityEpoch`; move it daily so they stay small.
  const rebase = setInterval(() => rebaseActivity(shared, conns), ACTIVITY_REBASE_MS);
  rebase.unref();
  const forwards: Subscription[] = [];
  const socketLog = createSocketLog({ channel, logger: deps.logger });
  let draining = false;
  cells.connections.set(0);
  cells.pending.set(0);
  metrics.backlogged.set({ channel }, 0);

  const REFUSALS: Record<RefusalReason, { status: 'service-unavailable' | 'rate-limit-exceeded'; detail: string }> = {
    draining: { status: 'service-unavailable', detail: 'Server draining, reconnect elsewhere' },
    cap: { status: 'service-unavailable', detail: 'Connection limit reached, retry later' },
    pending: { status: 'service-unavailable', detail: 'Too many connections waiting to authenticate, retry later' },
    per_address: { status: 'rate-limit-exceeded', detail: 'Too many connections from this client address' },
  };
  const refuse = (res: UwsResponse, path: string, reason: RefusalReason, clientIp: string) => {
    metrics.rejected.inc({ channel, reason });
    deps.logger.debug({ channel, client_ip: clientIp, reason }, 'upgrade refused');
    if (reason !== 'draining') metrics.drops.inc({ channel, reason: 'cap' });
    const { status, detail } = REFUSALS[reason];
    // Close the connection: the client wanted a socket, not a keep-alive HTTP session.
    writeResponse(res, problemResponse(status, detail, path, { 'retry-after': String(deps.retryAfterS ?? 5) }), true);
  };

  const upgrade = (res: UwsResponse, req: UwsRequest, context: us_socket_context_t) => {
    const forwarded = deps.trustProxy ? req.getHeader('x-forwarded-for').split(',')[0]?.trim() : '';
    const remoteAddress = forwarded || normalizeIp(Buffer.from(res.getRemoteAddressAsText()).toString());
    if (draining) return refuse(res, req.getUrl(), 'draining', remoteAddress);
    const refusal = admission.check(remoteAddress);
    if (refusal) return refuse(res, req.getUrl(), refusal, remoteAddress);
    const data: SocketData = { conn: new UwsConnection(shared, remoteAddress, withAuth) };
    res.upgrade(
      data,
      req.getHeader('sec-websocket-key'),
      req.getHeader('sec-websocket-protocol'),
      req.getHeader('sec-websocket-extensions'),
      context,
    );
  };

  app.ws<SocketData>(def.path, {
    maxPayloadLength: transportPayloadLimit(def.limits.maxPayloadBytes),
    idleTimeout: def.limits.idleTimeoutS,
    maxBackpressure: def.limits.maxBackpressureBytes,
    closeOnBackpressureLimit: 0,
    sendPingsAutomatically: true,
    upgrade,
    open: (ws) => {
      const conn = ws.getUserData().conn;
      conn.attach(ws);
      conns.add(conn);
      admission.opened(conn.remoteAddress);
      (withAuth ? cells.pending : cells.connections).inc();
      cells.opened.add();
      socketLog.opened({ conn: conn.id, client_ip: conn.remoteAddress });
      if (def.auth) startAuth(ctx, conn);
      else guard(ctx, conn, () => def.onOpen(conn));
    },
    message: (ws, data, isBinary) => {
      const conn = ws.getUserData().conn;
      if (conn?.isOpen) onFrame(ctx, conn, data, isBinary);
    },
    drain: (ws) => {
      const conn = ws.getUserData().conn;
      if (conn.bufferedAmount() < def.limits.maxBackpressureBytes) overLimit.delete(conn);
    },
    close: (ws, code, message) => {
      const conn = ws.getUserData().conn;
      const authenticated = conn.phase === 'ready';
      conn.markClosed();
      conns.delete(conn);
      overLimit.delete(conn);
      admission.closed(conn.remoteAddress, authenticated);
      (authenticated ? cells.connections : cells.pending).dec();
      cells.closed(code).add();
      socketLog.closed({ conn: conn.id, client_ip: conn.remoteAddress, code, reason: Buffer.from(message).toString(), authenticated });
      if (code === 1006 && Buffer.from(message).toString() === UWS_TOO_BIG) metrics.drops.inc({ channel, reason: 'payload' });
      guard(ctx, conn, () => def.onClose(conn, code));
    },
  });

  const onOverLimit = (conn: UwsConnection) =>
    deps.logger.debug(
      { channel, conn: conn.id, client_ip: conn.remoteAddress, buffered: conn.bufferedAmount(), limit: def.limits.maxBackpressureBytes },
      'send buffer over the backpressure limit; closed if still over at the next check',
    );
  const sweep = startSlowConsumerSweep(conns, {
    limitBytes: def.limits.maxBackpressureBytes,
    periodMs: def.limits.slowConsumerGraceMs ?? 1000,
    overLimit,
    onOverLimit,
    onChecked: (backlogged) => metrics.backlogged.set({ channel }, backlogged),
    onSlow: (conn) => {
      metrics.drops.inc({ channel, reason: 'backpressure' });
      deps.logger.warn({ channel, conn: conn.id, client_ip: conn.remoteAddress, buffered: conn.bufferedAmount() }, 'closing slow consumer');
      conn.close(CloseCodes.SLOW_CONSUMER, CloseReasons[CloseCodes.SLOW_CONSUMER]);
    },
  });

  const pinger = def.limits.idlePingMs ? startIdlePinger(conns, def.limits.idlePingMs) : undefined;

  return {
    name: channel,
    get draining() {
      return draining;
    },
    count: () => conns.size,
    counts: () => ({ authenticated: admission.counts.authenticated, pending: admission.counts.pending }),
    connections: () => conns.values(),
    publish,
    relay: (topic, bytes, type) => relay.push(topic, bytes, type),
    forward(subject, topic, type) {
      if (!deps.bus) throw new Error(`channel ${channel}: forward() needs a bus in mountEndpoint deps`);
      const sub = deps.bus.subscribe(subject, (msg) => relay.push(topic, msg.data, type));
      forwards.push(sub);
      return sub;
    },
    closeWhere(predicate, code, reason) {
      let closed = 0;
      for (const conn of [...conns]) {
        if (conn.isOpen && predicate(conn)) {
          conn.close(code, reason);
          closed++;
        }
      }
      return closed;
    },
    drain(opts) {
      draining = true;
      return drainInBatches(conns, opts);
    },
    stop() {
      sweep.stop();
      pinger?.stop();
      expiry.stop();
      clearInterval(rebase);
      socketLog.flush();
      for (const sub of forwards.splice(0)) sub.unsubscribe();
      relay.stop();
    },
  };
}
