/**
 * The reconnecting WebSocket every channel class is built on: one socket at a time, a
 * handshake deadline, keep-alive (answers the server's text "ping"; sends a JSON ping when the
 * line is idle and drops a socket that stays silent), and a reconnect loop whose decisions come
 * from the close-code table. Channel classes plug in their handshake (`ChannelProtocol`) and
 * get typed frames, state changes and async iteration from here.
 */
import { PING_TEXT, PONG_TEXT } from '@arcp/protocol/wire';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import { closeVerdict } from './close-policy';
import { Emitter } from './emitter';
import { ArcpClosedError, ArcpError, ArcpReconnectFailedError, ArcpTimeoutError, isTransient } from './errors';
import { iterateFrames } from './frame-iterator';
import { DEFAULT_KEEPALIVE, startKeepAlive, type KeepAliveOptions } from './keep-alive';
import { OPEN, openSocket, resolveWebSocket, type WebSocketConstructor, type WebSocketLike } from './websocket';

export type { KeepAliveOptions };

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface StateChange {
  readonly state: ConnectionState;
  readonly previous: ConnectionState;
  /** Reconnect attempt in a row (1-based) while reconnecting; 0 otherwise. */
  readonly attempt: number;
  readonly url?: string;
  /** While reconnecting: the wait before the next attempt. */
  readonly delayMs?: number;
  /** The close that caused this state (reconnecting, closed). */
  readonly code?: number;
  readonly reason?: string;
  /** Closed for good with this error (auth refused, revoked, gave up, ...). */
  readonly error?: ArcpError;
  /** Open again after a reconnect: the handshake ran again (fresh token, fresh burst). */
  readonly resumed?: boolean;
}

export interface ChannelOptions {
  /** The channel's WebSocket URL, or several (replicas): each reconnect attempt takes the next. */
  url: string | readonly string[];
  /** WebSocket class; defaults to `globalThis.WebSocket` (browsers, Node 22+). On Node 20 pass `ws`. */
  WebSocket?: WebSocketConstructor;
  /** Backoff settings, or false to stop at the first close. */
  reconnect?: Partial<BackoffOptions> | false;
  keepAlive?: KeepAliveOptions | false;
  /** Deadline for the socket to open and the handshake to finish (default 10 s). */
  handshakeTimeoutMs?: number;
  /** Frames an async iterator may hold before it fails with ArcpSlowConsumerError (default 10 000). */
  bufferSize?: number;
}

/** What a channel's handshake gets to work with during one socket's life. */
export interface SessionIO<F> {
  send(text: string): void;
  /** The handshake is done: the channel is open. */
  ready(): void;
  deliver(frame: F): void;
  /** Stop for good (close the socket, no reconnect) with this error. */
  fail(error: ArcpError): void;
  /** Drop this socket and reconnect with backoff (a transient failure, e.g. the token provider's server was down). */
  retry(reason: string): void;
  /** `fail` for errors that need the caller to act, `retry` for the rest (see `isTransient`). */
  failOrRetry(err: unknown): void;
  readonly isReady: boolean;
}

export interface ChannelProtocol<F> {
  /** The socket opened: send the auth frame, if any. A thrown ArcpError is terminal. */
  onSocketOpen(io: SessionIO<F>): void | Promise<void>;
  /** One JSON message (object or array) from the server. */
  onJson(io: SessionIO<F>, value: unknown): void;
  /** Called after `ready()` on every open; `resumed` after a reconnect. */
  onReady?(io: SessionIO<F>, resumed: boolean): void;
}

export interface ChannelEvents<F> {
  state: StateChange;
  frame: F;
  /** A non-JSON text frame (the keep-alive `ping`/`pong`). */
  text: string;
}

type Outcome = { code: number; reason: string; wasReady: boolean } | { error: ArcpError };

export abstract class ChannelClient<F extends object> extends Emitter<ChannelEvents<F>> {
  private readonly Impl: WebSocketConstructor;
  private readonly urls: readonly string[];
  private readonly backoff: BackoffOptions | null;
  private readonly keepAlive: KeepAliveOptions | null;
  private readonly handshakeMs: number;
  private readonly bufferSize: number;
  private current: ConnectionState = 'idle';
  private socket: WebSocketLike | null = null;
  private running: Promise<void> | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;
  private urlIndex = 0;
  private everOpen = false;
  private lastError: ArcpError | undefined;
  private readonly sessionEnd = new Set<(err: ArcpError) => void>();

  protected constructor(
    private readonly protocol: ChannelProtocol<F>,
    options: ChannelOptions,
  ) {
    super();
    this.Impl = resolveWebSocket(options.WebSocket);
    this.urls = typeof options.url === 'string' ? [options.url] : [...options.url];
    if (this.urls.length === 0) throw new ArcpError('at least one channel URL is required');
    this.backoff = options.reconnect === false ? null : { ...DEFAULT_BACKOFF, ...options.reconnect };
    this.keepAlive = options.keepAlive === false ? null : { ...DEFAULT_KEEPALIVE, ...options.keepAlive };
    this.handshakeMs = options.handshakeTimeoutMs ?? 10_000;
    this.bufferSize = options.bufferSize ?? 10_000;
  }

  get state(): ConnectionState {
    return this.current;
  }

  /** The error that closed the channel for good, if any. */
  get error(): ArcpError | undefined {
    return this.lastError;
  }

  /**
   * Starts the channel (if not running) and resolves once it is open; rejects if it closes for
   * good first (auth refused, gave up reconnecting).
   */
  connect(): Promise<void> {
    if (this.current === 'open') return Promise.resolve();
    const opened = new Promise<void>((resolve, reject) => {
      const off = this.on('state', (s) => {
        if (s.state === 'open') {
          off();
          resolve();
        } else if (s.state === 'closed') {
          off();
          reject(s.error ?? new ArcpClosedError(s.code ?? 1000, s.reason ?? '', 'channel closed before it opened'));
        }
      });
    });
    this.start();
    return opened;
  }

  /** Closes the socket and stops reconnecting; resolves when the channel is closed. */
  async close(): Promise<void> {
    if (this.running === null) {
      if (this.current !== 'closed') this.setState('closed', { attempt: 0, code: 1000, reason: 'client closed' });
      return;
    }
    this.stopping = true;
    this.wake?.();
    this.socket?.close(1000, 'client closed');
    await this.running;
  }

  /** Sends a JSON frame (or raw text); throws when the channel is not open. */
  send(frame: object | string): void {
    this.assertOpen();
    this.socket!.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  private assertOpen(): void {
    if (this.current !== 'open' || this.socket === null || this.socket.readyState !== OPEN) {
      throw new ArcpError(`cannot send: the channel is ${this.current}`);
    }
  }

  /**
   * Sends `frame` and resolves with the next frame matching `pred` (as `waitFor`). A channel that
   * is not open refuses at once, before anything waits for an answer: no waiter is left behind to
   * reject later, unobserved, when its deadline passes.
   */
  protected request<T extends F>(frame: object, pred: (frame: F) => frame is T, timeoutMs?: number): Promise<T>;
  protected request(frame: object, pred: (frame: F) => boolean, timeoutMs?: number): Promise<F>;
  protected request(frame: object, pred: (frame: F) => boolean, timeoutMs?: number): Promise<F> {
    try {
      this.assertOpen();
    } catch (err) {
      return Promise.reject(err as Error);
    }
    const answer = this.waitFor(pred, timeoutMs);
    this.send(frame);
    return answer;
  }

  /** Calls `listener` for every frame of this `type`. */
  onFrame<K extends FrameType<F>>(type: K, listener: (frame: Extract<F, { type: K }>) => void): () => void {
    return this.on('frame', (f) => {
      if ((f as { type?: unknown }).type === type) listener(f as Extract<F, { type: K }>);
    });
  }

  /**
   * The next frame matching `pred`, within `timeoutMs`. Rejects with ArcpTimeoutError on timeout
   * or when the socket closes first (an answer never crosses a reconnect).
   */
  waitFor<T extends F>(pred: (frame: F) => frame is T, timeoutMs?: number): Promise<T>;
  waitFor(pred: (frame: F) => boolean, timeoutMs?: number): Promise<F>;
  waitFor(pred: (frame: F) => boolean, timeoutMs = 10_000): Promise<F> {
    return new Promise<F>((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        off();
        this.sessionEnd.delete(onEnd);
      };
      const onEnd = (err: ArcpError) => {
        cleanup();
        reject(err);
      };
      const off = this.on('frame', (f) => {
        if (!pred(f)) return;
        cleanup();
        resolve(f);
      });
      const timer = setTimeout(() => onEnd(new ArcpTimeoutError(`no answer within ${timeoutMs} ms`)), timeoutMs);
      this.sessionEnd.add(onEnd);
    });
  }

  /** Sends a plain-text `ping` and resolves with the round trip (ms) when `pong` comes back. */
  async pingText(timeoutMs = 10_000): Promise<number> {
    this.assertOpen();
    const sent = Date.now();
    const answered = new Promise<number>((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        off();
        this.sessionEnd.delete(onEnd);
      };
      const onEnd = (err: ArcpError) => {
        cleanup();
        reject(err);
      };
      const off = this.on('text', (t) => {
        if (t !== PONG_TEXT) return;
        cleanup();
        resolve(Date.now() - sent);
      });
      const timer = setTimeout(() => onEnd(new ArcpTimeoutError(`no pong within ${timeoutMs} ms`)), timeoutMs);
      this.sessionEnd.add(onEnd);
    });
    this.send(PING_TEXT);
    return answered;
  }

  /**
   * Frames as an async iterator that survives reconnects. It ends when the channel closes
   * normally and throws the error when it closes for good; falling `bufferSize` frames behind
   * throws ArcpSlowConsumerError. Starts the channel if it is idle; leaving the loop early does
   * not close it (iterating the channel itself does).
   */
  frames(): AsyncIterableIterator<F> {
    const ended = this.current === 'closed' && this.running === null;
    const iterator = iterateFrames<F>(
      (event, listener) => this.on(event, listener as never),
      this.bufferSize,
      ended ? { error: this.lastError } : null,
    );
    if (this.current === 'idle') this.start();
    return iterator;
  }

  /** `for await (const frame of channel)`: like `frames()`, and closes the channel when the loop ends. */
  [Symbol.asyncIterator](): AsyncIterator<F> {
    const inner = this.frames();
    return {
      next: () => inner.next(),
      return: async () => {
        await inner.return?.();
        await this.close();
        return { value: undefined, done: true };
      },
    };
  }

  private start(): void {
    if (this.running !== null) return;
    this.stopping = false;
    this.lastError = undefined;
    this.running = this.loop().finally(() => (this.running = null));
  }

  private setState(state: ConnectionState, detail: Omit<StateChange, 'state' | 'previous'>): void {
    const previous = this.current;
    this.current = state;
    this.emit('state', { state, previous, ...detail });
  }

  private async loop(): Promise<void> {
    let attempt = 0;
    this.setState('connecting', { attempt: 0, url: this.urls[this.urlIndex % this.urls.length] });
    for (;;) {
      const url = this.urls[this.urlIndex % this.urls.length]!;
      const outcome = await this.session(url);
      if ('error' in outcome) return this.finish(outcome.error);
      if (this.stopping) return this.finish(undefined, 1000, 'client closed');
      if (outcome.wasReady) attempt = 0;
      const verdict = closeVerdict(outcome.code, outcome.reason);
      if (verdict.action === 'stop') return this.finish(verdict.error, outcome.code, outcome.reason);
      if (verdict.action === 'done') return this.finish(undefined, outcome.code, outcome.reason);
      if (this.backoff === null) return this.finish(new ArcpClosedError(outcome.code, outcome.reason), outcome.code, outcome.reason);
      attempt += 1;
      if (attempt > this.backoff.maxAttempts)
        return this.finish(new ArcpReconnectFailedError(attempt - 1, outcome.code, outcome.reason), outcome.code, outcome.reason);
      this.urlIndex += 1;
      const delayMs = backoffDelay(attempt, this.backoff);
      this.setState('reconnecting', {
        attempt,
        delayMs,
        code: outcome.code,
        reason: outcome.reason,
        url: this.urls[this.urlIndex % this.urls.length],
      });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delayMs);
        this.wake = () => (clearTimeout(timer), resolve());
      });
      this.wake = null;
      if (this.stopping) return this.finish(undefined, 1000, 'client closed');
    }
  }

  private finish(error: ArcpError | undefined, code?: number, reason?: string): void {
    this.lastError = error;
    this.setState('closed', { attempt: 0, code, reason, error });
  }

  /** One socket's life: resolves with how it ended. */
  private session(url: string): Promise<Outcome> {
    return new Promise<Outcome>((resolve) => {
      let ws: WebSocketLike;
      try {
        ws = openSocket(this.Impl, url);
      } catch (err) {
        resolve({ error: new ArcpError(`cannot open ${url}: ${(err as Error).message}`, { cause: err }) });
        return;
      }
      this.socket = ws;
      let ready = false;
      let settled = false;
      let lastHeard = Date.now();
      let pingSentAt = 0;
      let keepAliveTimer: ReturnType<typeof setInterval> | undefined;
      const handshakeTimer = setTimeout(() => abandon(1006, 'handshake timeout'), this.handshakeMs);

      const end = (outcome: Outcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(handshakeTimer);
        clearInterval(keepAliveTimer);
        ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
        if (this.socket === ws) this.socket = null;
        const err = new ArcpTimeoutError('the connection closed before an answer');
        for (const f of [...this.sessionEnd]) f(err);
        resolve(outcome);
      };
      /** Gives up on a socket without waiting for its closing handshake (a dead peer never answers). */
      const abandon = (code: number, reason: string) => {
        try {
          if (ws.terminate) ws.terminate();
          else ws.close(1000, reason);
        } catch {
          // already closing
        }
        end({ code, reason, wasReady: ready });
      };
      const io: SessionIO<F> = {
        send: (text) => ws.send(text),
        ready: () => {
          if (ready || settled) return;
          ready = true;
          clearTimeout(handshakeTimer);
          const resumed = this.everOpen;
          this.everOpen = true;
          this.setState('open', { attempt: 0, url, resumed });
          this.protocol.onReady?.(io, resumed);
          if (this.keepAlive)
            keepAliveTimer = startKeepAlive(
              this.keepAlive,
              ws,
              { lastHeard: () => lastHeard, pingSentAt: () => pingSentAt, markPing: (t) => (pingSentAt = t) },
              abandon,
            );
        },
        deliver: (frame) => this.emit('frame', frame),
        fail: (error) => {
          try {
            ws.close(1000, 'client stopped');
          } catch {
            // already closing
          }
          end({ error });
        },
        retry: (reason) => abandon(1006, reason),
        failOrRetry: (err) => {
          if (isTransient(err)) io.retry(`token provider failed: ${(err as Error).message}`);
          else io.fail(err instanceof ArcpError ? err : new ArcpError(String(err), { cause: err }));
        },
        get isReady() {
          return ready;
        },
      };

      ws.onopen = () => {
        Promise.resolve(this.protocol.onSocketOpen(io)).catch((err: unknown) => io.failOrRetry(err));
      };
      ws.onmessage = (event) => {
        lastHeard = Date.now();
        if (typeof event.data !== 'string') return;
        const text = event.data;
        if (text === PING_TEXT) {
          ws.send(PONG_TEXT);
          this.emit('text', text);
          return;
        }
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          this.emit('text', text);
          return;
        }
        this.protocol.onJson(io, value);
      };
      ws.onclose = (event) => end({ code: event.code, reason: event.reason, wasReady: ready });
      ws.onerror = () => {
        // A close event always follows; it carries the code that decides what happens next.
      };
    });
  }
}

/** The `type` values of a frame union (frames without a string `type` contribute nothing). */
export type FrameType<F> = F extends { type: infer T extends string } ? T : never;
