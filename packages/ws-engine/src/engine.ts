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
import { closeCodeLabel, socketMetrics } from './socket-metrics';
import { writeResponse } from './http-mount';
import { normalizeIp } from './http-request';
import type { LoggerLike } from '@arcp/service-kit';
import { problemResponse } from './problem';
import type { UwsApp } from './server';
import { startAuth } from './auth-step';
import { onFrame } from './inbound';
import { drainInBatches, type DrainOptions } from './drain';
import { startSlowConsumerSweep } from './slow-consumers';
import { startIdlePinger } from './idle-ping';
import { createAdmission, type RefusalReason } from './admission';
import { UwsConnection, type SocketData } from './uws-connection';

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
  /** Hands already-encoded bytes to every subscriber of `topic`; `type` labels the metrics. Returns the subscriber count. */
  publish(topic: string, bytes: string | Uint8Array, type: string): number;
  /** Publishes every message of a bus subject to a topic, unchanged. */
  forward(subject: string, topic: string, type: string): Subscription;
  /** Closes every socket matching `predicate` (revocations); returns how many. */
  closeWhere(predicate: (conn: Connection) => boolean, code: number, reason: string): number;
  /** Refuses upgrades from now on and closes open sockets in bounded batches. */
  drain(opts?: DrainOptions): Promise<void>;
  /** Stops the engine's timers and bus forwards (sockets are left to `drain`). */
  stop(): void;
}

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
  const ctx: InboundContext = { def, metrics, logger: deps.logger, admission };
  const channel = def.name;
  const conns = new Set<UwsConnection>();
  const forwards: Subscription[] = [];
  let draining = false;
  metrics.connections.set({ channel }, 0);
  metrics.pending.set({ channel }, 0);
  metrics.backlogged.set({ channel }, 0);

  const REFUSALS: Record<RefusalReason, { status: 'service-unavailable' | 'rate-limit-exceeded'; detail: string }> = {
    draining: { status: 'service-unavailable', detail: 'Server draining, reconnect elsewhere' },
    cap: { status: 'service-unavailable', detail: 'Connection limit reached, retry later' },
    pending: { status: 'service-unavailable', detail: 'Too many connections waiting to authenticate, retry later' },
    per_address: { status: 'rate-limit-exceeded', detail: 'Too many connections from this client address' },
  };
  const refuse = (res: UwsResponse, path: string, reason: RefusalReason) => {
    metrics.rejected.inc({ channel, reason });
    if (reason !== 'draining') metrics.drops.inc({ channel, reason: 'cap' });
    const { status, detail } = REFUSALS[reason];
    // Close the connection: the client wanted a socket, not a keep-alive HTTP session.
    writeResponse(res, problemResponse(status, detail, path, { 'retry-after': String(deps.retryAfterS ?? 5) }), true);
  };

  const upgrade = (res: UwsResponse, req: UwsRequest, context: us_socket_context_t) => {
    if (draining) return refuse(res, req.getUrl(), 'draining');
    const forwarded = deps.trustProxy ? req.getHeader('x-forwarded-for').split(',')[0]?.trim() : '';
    const remoteAddress = forwarded || normalizeIp(Buffer.from(res.getRemoteAddressAsText()).toString());
    const refusal = admission.check(remoteAddress);
    if (refusal) return refuse(res, req.getUrl(), refusal);
    const data: SocketData = { remoteAddress };
    res.upgrade(data, req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'), req.getHeader('sec-websocket-extensions'), context);
  };

  app.ws<SocketData>(def.path, {
    maxPayloadLength: transportPayloadLimit(def.limits.maxPayloadBytes),
    idleTimeout: def.limits.idleTimeoutS,
    maxBackpressure: def.limits.maxBackpressureBytes,
    closeOnBackpressureLimit: 0,
    sendPingsAutomatically: true,
    upgrade,
    open: (ws) => {
      const conn = new UwsConnection(ws, channel, def.limits.messageRate, metrics, def.auth !== undefined);
      ws.getUserData().conn = conn;
      conns.add(conn);
      admission.opened(conn.remoteAddress);
      (withAuth ? metrics.pending : metrics.connections).inc({ channel });
      metrics.opened.inc({ channel });
      if (def.auth) startAuth(ctx, conn);
      else guard(ctx, conn, () => def.onOpen(conn));
    },
    message: (ws, data, isBinary) => {
      const conn = ws.getUserData().conn;
      if (conn?.isOpen) onFrame(ctx, conn, data, isBinary);
    },
    drain: (ws) => {
      const conn = ws.getUserData().conn;
      if (conn && conn.bufferedAmount() < def.limits.maxBackpressureBytes) conn.overLimitSince = undefined;
    },
    close: (ws, code, message) => {
      const conn = ws.getUserData().conn;
      if (!conn) return;
      const authenticated = conn.phase === 'ready';
      conn.markClosed();
      conns.delete(conn);
      admission.closed(conn.remoteAddress, authenticated);
      (authenticated ? metrics.connections : metrics.pending).dec({ channel });
      metrics.closed.inc({ channel, code: closeCodeLabel(code) });
      if (code === 1006 && Buffer.from(message).toString() === UWS_TOO_BIG) metrics.drops.inc({ channel, reason: 'payload' });
      guard(ctx, conn, () => def.onClose(conn, code));
    },
  });

  const sweep = startSlowConsumerSweep(conns, def.limits.maxBackpressureBytes, def.limits.slowConsumerGraceMs ?? 1000, (conn) => {
    metrics.drops.inc({ channel, reason: 'backpressure' });
    deps.logger.warn({ channel, conn: conn.id, buffered: conn.bufferedAmount() }, 'closing slow consumer');
    conn.close(CloseCodes.SLOW_CONSUMER, CloseReasons[CloseCodes.SLOW_CONSUMER]);
  }, (backlogged) => metrics.backlogged.set({ channel }, backlogged));

  const pinger = def.limits.idlePingMs ? startIdlePinger(conns, def.limits.idlePingMs) : undefined;

  const publish = (topic: string, bytes: string | Uint8Array, type: string): number => {
    const started = process.hrtime.bigint();
    const subscribers = app.numSubscribers(topic);
    if (subscribers === 0) return 0;
    app.publish(topic, bytes, false, false);
    metrics.fanout.observe({ channel }, Number(process.hrtime.bigint() - started) / 1e9);
    metrics.sent.inc({ channel, type }, subscribers);
    metrics.sentBytes.inc({ channel }, subscribers * (typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.byteLength));
    return subscribers;
  };

  return {
    name: channel,
    get draining() {
      return draining;
    },
    count: () => conns.size,
    counts: () => ({ authenticated: admission.counts.authenticated, pending: admission.counts.pending }),
    connections: () => conns.values(),
    publish,
    forward(subject, topic, type) {
      if (!deps.bus) throw new Error(`channel ${channel}: forward() needs a bus in mountEndpoint deps`);
      const sub = deps.bus.subscribe(subject, (msg) => void publish(topic, msg.data, type));
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
      for (const sub of forwards.splice(0)) sub.unsubscribe();
    },
  };
}
