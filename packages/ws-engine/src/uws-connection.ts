/**
 * The uWS adapter behind `Connection`: the only place a `uWS.WebSocket` is touched after open.
 * Also carries the engine's per-socket bookkeeping (auth phase, rate bucket, slow-consumer clock),
 * which channel handlers never see. Most sockets of a broadcast channel never send anything, so
 * everything only a talking socket needs (id text, state, held frames, rate bucket) is created on
 * first use: an idle connection costs as little heap as possible.
 */
import type { WebSocket } from 'uWebSockets.js';
import { clampCloseReason } from '@arcp/protocol';
import type { Connection, SendStatus } from './connection';
import type { SocketMetrics } from './socket-metrics';
import type { RateLimit } from '@arcp/service-kit';
import { TokenBucket } from './rate-limit';

/** Data attached to each uWS socket at upgrade. */
export interface SocketData {
  remoteAddress: string;
  conn?: UwsConnection;
}

export type AuthPhase = 'awaiting' | 'verifying' | 'ready';

let counter = 0;

export class UwsConnection implements Connection {
  private readonly seq = ++counter;
  private stateObj: Record<string, unknown> | undefined;
  private heldFrames: string[] | undefined;
  private rateBucket: TokenBucket | undefined;
  principal: unknown = undefined;
  readonly remoteAddress: string;
  phase: AuthPhase;
  authTimer: NodeJS.Timeout | undefined;
  /** Set when the rate-limit warning frame went out; cleared when the client slows down. */
  rateWarned = false;
  /** First sweep that saw the send buffer over the limit; undefined while under it. */
  overLimitSince: number | undefined;
  /** Last client frame (or server keep-alive ping), for the idle pinger. */
  lastActivityAt = Date.now();
  private open = true;

  constructor(
    private readonly ws: WebSocket<SocketData>,
    readonly channel: string,
    private readonly rate: RateLimit,
    private readonly metrics: SocketMetrics,
    withAuth: boolean,
  ) {
    this.remoteAddress = ws.getUserData().remoteAddress;
    this.phase = withAuth ? 'awaiting' : 'ready';
  }

  get id(): string {
    return `c${this.seq.toString(36)}`;
  }

  get state(): Record<string, unknown> {
    return (this.stateObj ??= {});
  }

  /** The inbound rate bucket, full when the socket sends its first frame. */
  get bucket(): TokenBucket {
    return (this.rateBucket ??= new TokenBucket(this.rate));
  }

  /** Keeps a frame received while the auth step runs; false when the hold is full. */
  hold(text: string, max: number): boolean {
    const held = (this.heldFrames ??= []);
    if (held.length >= max) return false;
    held.push(text);
    return true;
  }

  /** The frames held during auth, in arrival order; the hold is emptied. */
  takeHeld(): string[] {
    const held = this.heldFrames ?? [];
    this.heldFrames = undefined;
    return held;
  }

  get isOpen(): boolean {
    return this.open;
  }

  send(data: string | Buffer, isBinary = false, type = 'direct'): SendStatus {
    if (!this.open) return 'closed';
    const result = this.ws.send(data, isBinary, false);
    if (result === 2) {
      this.metrics.drops.inc({ channel: this.channel, reason: 'backpressure' });
      return 'dropped';
    }
    this.metrics.sent.inc({ channel: this.channel, type });
    this.metrics.sentBytes.inc({ channel: this.channel }, typeof data === 'string' ? Buffer.byteLength(data) : data.length);
    return result === 1 ? 'ok' : 'backpressure';
  }

  close(code: number, reason = ''): void {
    if (!this.open) return;
    this.open = false;
    this.ws.end(code, clampCloseReason(reason));
  }

  subscribe(topic: string): void {
    if (this.open) this.ws.subscribe(topic);
  }

  unsubscribe(topic: string): void {
    if (this.open) this.ws.unsubscribe(topic);
  }

  bufferedAmount(): number {
    return this.open ? this.ws.getBufferedAmount() : 0;
  }

  /** Runs `fn` with the socket corked so its sends leave in one write. */
  cork(fn: () => void): void {
    if (this.open) this.ws.cork(fn);
    else fn();
  }

  /** Called from the uWS close handler: the socket object is invalid from here on. */
  markClosed(): void {
    this.open = false;
    if (this.authTimer) clearTimeout(this.authTimer);
    this.authTimer = undefined;
    this.heldFrames = undefined;
  }
}
