/**
 * The NATS Bus engine (nats.js v2): core pub/sub with callback subscriptions (a network read is
 * delivered in one event-loop turn), request/reply with typed errors, JetStream KV and streams.
 * Reconnects forever by default: a service should ride out a NATS restart, not crash-loop.
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
import { isClosedError, mapRequestError } from './nats-errors';
import { openNatsKv } from './nats-kv';
import { openNatsStream } from './nats-stream';

export interface NatsBusOptions extends BusHooks {
  servers: string | string[];
  /** Connection name shown by the server (`nats server report connections`). */
  name: string;
  /** -1 (default) retries forever. */
  maxReconnectAttempts?: number;
  reconnectTimeWaitMs?: number;
  /** Timeout of the first connection attempt. */
  connectTimeoutMs?: number;
}

export async function connectNatsBus(opts: NatsBusOptions): Promise<Bus> {
  const nc = await connect({
    servers: opts.servers,
    name: opts.name,
    maxReconnectAttempts: opts.maxReconnectAttempts ?? -1,
    reconnectTimeWait: opts.reconnectTimeWaitMs ?? 1000,
    timeout: opts.connectTimeoutMs ?? 10_000,
  });
  const jsm = await nc.jetstreamManager();
  opts.logger?.info({ server: nc.getServer(), name: opts.name }, 'connected to NATS');
  return new NatsBus(nc, jsm, opts);
}

class NatsBus implements Bus {
  readonly engine = 'nats' as const;
  private state: BusStatus = 'connected';
  private readonly js: JetStreamClient;
  private readonly report: HandlerErrorReporter;
  /** KV watches resume from their last revision when the connection comes back. */
  private readonly reconnectListeners = new Set<() => void>();

  constructor(private readonly nc: NatsConnection, private readonly jsm: JetStreamManager, private readonly opts: NatsBusOptions) {
    this.js = nc.jetstream();
    this.report = handlerErrorReporter(opts);
    void this.trackStatus();
    void nc.closed().then((err) => {
      this.state = 'closed';
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
    if (this.state === 'reconnecting') throw new BusUnavailableError();
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
    return openNatsKv(this.js, bucket, opts, this.report, this.online, (listener) => {
      this.reconnectListeners.add(listener);
      return () => void this.reconnectListeners.delete(listener);
    });
  }

  async stream(name: string, opts: StreamOptions): Promise<StreamStore> {
    this.assertOpen();
    return openNatsStream(this.js, this.jsm, name, opts, this.online);
  }

  status(): BusStatus {
    return this.state;
  }

  private readonly online = (): boolean => this.state === 'connected';

  async flush(): Promise<void> {
    this.assertOpen();
    await this.nc.flush();
  }

  async drain(): Promise<void> {
    if (this.nc.isClosed() || this.nc.isDraining()) return;
    await this.nc.drain();
    this.state = 'closed';
  }

  async close(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.close();
    this.state = 'closed';
  }

  private assertOpen(): void {
    if (this.state === 'closed' || this.nc.isClosed() || this.nc.isDraining()) throw new BusClosedError();
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
      if (s.type === 'disconnect' || s.type === 'reconnecting') {
        if (this.state !== 'closed') this.state = 'reconnecting';
        if (s.type === 'disconnect') this.opts.logger?.warn({ server: s.data }, 'NATS disconnected');
      } else if (s.type === 'reconnect') {
        if (this.state !== 'closed') this.state = 'connected';
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
