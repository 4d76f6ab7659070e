/**
 * The NATS Bus engine (nats.js v2): core pub/sub with callback subscriptions (a network read is
 * delivered in one event-loop turn), request/reply with typed errors, JetStream KV and streams.
 * Reconnects forever by default: a service should ride out a NATS restart, not crash-loop. With
 * a JetStream cluster, every bucket and stream it creates gets `replicas` copies, so losing a
 * node loses nothing: writes wait out the stream's leader election, watches resume on another
 * node, and a server that stops answering without closing the connection is noticed by pings.
 */
import { connect, type JetStreamClient, type JetStreamManager, type Msg, type NatsConnection } from 'nats';
import {
  type Bus,
  type BusMessage,
  type BusStatus,
  type KvBucketOptions,
  type KvStore,
  type RequestOptions,
  type StreamOptions,
  type StreamStore,
  type SubscribeOptions,
  type Subscription,
} from './bus';
import { BusClosedError, BusUnavailableError } from './errors';
import { type BusHooks, type HandlerErrorReporter, handlerErrorReporter } from './handler-errors';
import { ConnectionState } from './nats-availability';
import { isClosedError, mapRequestError } from './nats-errors';
import { openNatsKv, type NatsStoreContext } from './nats-kv';
import { defaultReplicas } from './nats-replicas';
import { openNatsStream } from './nats-stream';

export interface NatsBusOptions extends BusHooks {
  servers: string | string[];
  /** Connection name shown by the server (`nats server report connections`). */
  name: string;
  /** -1 (default) retries forever. */
  maxReconnectAttempts?: number;
  reconnectTimeWaitMs?: number;
  /** Timeout of one connection attempt (the first, and each reconnect to a server that hangs). */
  connectTimeoutMs?: number;
  /**
   * Copies of every bucket and stream (NATS_REPLICAS); default 3 with three or more servers,
   * else 1. Applied at creation; an existing one with fewer is raised in place, never lowered.
   */
  replicas?: number;
  /** Client pings: a server silent for two intervals is given up and another one tried. */
  pingIntervalMs?: number;
  /** How long a KV write or stream append is retried while no stream leader answers. */
  writeRetryMs?: number;
  /** Idle heartbeat of KV watch consumers (a lost one is recreated after two missed). */
  watchHeartbeatMs?: number;
}

/**
 * A server that stops answering without closing the connection (a frozen or cut-off node) is
 * given up after two unanswered pings, 10-15 s (nats.js's default interval is 2 min), and a
 * reconnect to one that accepts the connection but never speaks after the connect timeout.
 * Measured on three local nodes with a 0.5 s interval: writes flowed again 5.5-8.3 s after one
 * froze.
 */
const PING_INTERVAL_MS = 5000;
const CONNECT_TIMEOUT_MS = 3000;
/** Above the ~5 s election measured on three nodes, below any client's patience. */
const WRITE_RETRY_MS = 10_000;
const WATCH_HEARTBEAT_MS = 1000;
/**
 * JetStream API timeout of the watches' consumer (re)creations: a create sent while the cluster
 * elects a leader is never answered, and is sent again only after this (nats.js's default, 5 s,
 * added up to 8 s to a watch's recovery after a node loss, measured).
 */
const WATCH_API_TIMEOUT_MS = 2000;

export async function connectNatsBus(opts: NatsBusOptions): Promise<Bus> {
  const nc = await connect({
    servers: opts.servers,
    name: opts.name,
    maxReconnectAttempts: opts.maxReconnectAttempts ?? -1,
    reconnectTimeWait: opts.reconnectTimeWaitMs ?? 1000,
    timeout: opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
    pingInterval: opts.pingIntervalMs ?? PING_INTERVAL_MS,
    maxPingOut: 2,
  });
  const jsm = await nc.jetstreamManager();
  const replicas = opts.replicas ?? defaultReplicas(opts.servers);
  const cluster = nc.info?.cluster;
  const peers = nc.info?.connect_urls?.length ?? 1;
  opts.logger?.info({ server: nc.getServer(), name: opts.name, cluster: cluster ?? null, replicas }, 'connected to NATS');
  if (opts.replicas === undefined && cluster && replicas < 3 && peers >= 3) {
    opts.logger?.warn(
      { cluster, servers: peers, replicas },
      `NATS cluster ${cluster} has ${peers} servers but buckets and streams get ${replicas} replica(s): list every server in NATS_URL or set NATS_REPLICAS=3`,
    );
  }
  return new NatsBus(nc, jsm, opts, replicas);
}

class NatsBus implements Bus {
  readonly engine = 'nats' as const;
  private readonly connection: ConnectionState;
  private readonly js: JetStreamClient;
  private readonly report: HandlerErrorReporter;
  private readonly stores: NatsStoreContext;
  /** KV watches resume from their last revision when the connection comes back. */
  private readonly reconnectListeners = new Set<() => void>();

  constructor(
    private readonly nc: NatsConnection,
    jsm: JetStreamManager,
    private readonly opts: NatsBusOptions,
    replicas: number,
  ) {
    this.connection = new ConnectionState(() => nc.info);
    this.js = nc.jetstream();
    this.report = handlerErrorReporter(opts);
    this.stores = {
      js: this.js,
      watchJs: nc.jetstream({ timeout: WATCH_API_TIMEOUT_MS }),
      jsm,
      policy: { replicas, clustered: this.connection.isClustered, ...(opts.logger ? { logger: opts.logger } : {}) },
      report: this.report,
      writeRetryMs: opts.writeRetryMs ?? WRITE_RETRY_MS,
      watchHeartbeatMs: opts.watchHeartbeatMs ?? WATCH_HEARTBEAT_MS,
      availability: () => this.connection.availability(),
      onReconnect: (listener) => {
        this.reconnectListeners.add(listener);
        return () => void this.reconnectListeners.delete(listener);
      },
    };
    void this.trackStatus();
    void nc.closed().then((err) => {
      this.connection.close();
      if (err) opts.logger?.error({ err }, 'NATS connection closed with error');
    });
  }

  publish(subject: string, data: Uint8Array): void {
    this.assertOpen();
    this.mapSync(() => this.nc.publish(subject, data));
  }

  subscribe(subject: string, handler: (msg: BusMessage) => void, opts: SubscribeOptions = {}): Subscription {
    this.assertOpen();
    const sub = this.mapSync(() =>
      this.nc.subscribe(subject, {
        ...(opts.queue === undefined ? {} : { queue: opts.queue }),
        callback: (err, msg) => {
          if (err) {
            this.opts.logger?.error({ err, subject }, 'NATS subscription error');
            return;
          }
          try {
            handler(toBusMessage(msg));
          } catch (handlerErr) {
            this.report(handlerErr, msg.subject);
          }
        },
      }),
    );
    return {
      unsubscribe: () => {
        if (!sub.isClosed()) sub.unsubscribe();
      },
    };
  }

  async request(subject: string, data: Uint8Array, opts: RequestOptions): Promise<BusMessage> {
    this.assertOpen();
    if (this.connection.status === 'reconnecting') throw new BusUnavailableError();
    try {
      return toBusMessage(await this.nc.request(subject, data, { timeout: opts.timeoutMs }));
    } catch (err) {
      // nats.js fails requests cut short by close() as timeouts; report the real cause.
      if (this.nc.isClosed() || this.nc.isDraining()) throw new BusClosedError({ cause: err });
      throw mapRequestError(err, subject, opts.timeoutMs);
    }
  }

  async kv(bucket: string, opts: KvBucketOptions = {}): Promise<KvStore> {
    this.assertOpen();
    return openNatsKv(this.stores, bucket, opts);
  }

  async stream(name: string, opts: StreamOptions): Promise<StreamStore> {
    this.assertOpen();
    return openNatsStream(this.stores, name, opts);
  }

  status(): BusStatus {
    return this.connection.status;
  }

  async flush(): Promise<void> {
    this.assertOpen();
    await this.nc.flush();
  }

  async drain(): Promise<void> {
    if (this.nc.isClosed() || this.nc.isDraining()) return;
    await this.nc.drain();
    this.connection.close();
  }

  async close(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.close();
    this.connection.close();
  }

  private assertOpen(): void {
    if (this.connection.status === 'closed' || this.nc.isClosed() || this.nc.isDraining()) throw new BusClosedError();
  }

  private mapSync<T>(op: () => T): T {
    try {
      return op();
    } catch (err) {
      throw isClosedError(err) ? new BusClosedError({ cause: err }) : err;
    }
  }

  /** Follows connection events so health checks can report a reconnecting bus. */
  private async trackStatus(): Promise<void> {
    for await (const s of this.nc.status()) {
      const change = this.connection.observe(s.type);
      if (change === 'lost') this.opts.logger?.warn({ server: s.data }, 'NATS disconnected');
      else if (change === 'regained') {
        this.opts.logger?.info({ server: s.data }, 'NATS reconnected');
        for (const listener of [...this.reconnectListeners]) listener();
      }
    }
  }
}

function toBusMessage(msg: Msg): BusMessage {
  return {
    subject: msg.subject,
    data: msg.data,
    respond: (data) => {
      try {
        return msg.respond(data);
      } catch (_closed) {
        return false;
      }
    },
  };
}
