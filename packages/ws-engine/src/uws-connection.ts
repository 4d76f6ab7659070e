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
import type { ChannelCells, SocketMetrics } from './socket-metrics';
import type { RateLimit } from '@arcp/service-kit';
import { TokenBucket } from './rate-limit';
import type { Relay } from './relay';
import { ExpiryGroup } from './expiry';

/**
 * Shard groups per topic (relay.ts): one frame to 10,000 sockets is written ~625 sockets a shard,
 * a few shards per event-loop turn. A socket's shard comes from its sequence number.
 */
export const FANOUT_SHARDS = 16;

const shardNames = new Map<string, readonly string[]>();

/** The uWS topic of one shard of `topic`. */
export function shardTopic(topic: string, shard: number): string {
  let names = shardNames.get(topic);
  if (names === undefined) {
    names = Array.from({ length: FANOUT_SHARDS }, (_, i) => `${topic}#${i}`);
    shardNames.set(topic, names);
  }
  return names[shard]!;
}

/**
 * Data attached to each uWS socket at upgrade: the connection object itself, made at upgrade, so
 * a socket carries one engine object and one reference to it (uWS copies the upgrade data's
 * properties onto its own per-socket object).
 */
export interface SocketData {
  conn: UwsConnection;
}

/** What every connection of one endpoint shares: one reference per socket instead of several. */
export interface EndpointShared {
  readonly channel: string;
  readonly rate: RateLimit;
  readonly metrics: SocketMetrics;
  readonly cells: ChannelCells;
  /**
   * The origin of the connections' activity stamps (epoch ms). Stamps are offsets from it so they
   * stay small integers held in the object, not a boxed double per socket; `rebaseActivity` moves
   * it long before an offset leaves the small-integer range (2^30 ms, about 12 days).
   */
  activityEpoch: number;
  /** The endpoint's outbound queue: while it holds anything, a socket's own steps wait behind it. */
  readonly outbound: Pick<Relay, 'busy' | 'inOrder'>;
}

/** Moves the endpoint's activity origin to `now` and shifts every stamp, keeping idle times. */
export function rebaseActivity(shared: EndpointShared, conns: Iterable<UwsConnection>, now = Date.now()): void {
  const shift = now - shared.activityEpoch;
  shared.activityEpoch = now;
  for (const conn of conns) conn.shiftActivity(shift);
}

export type AuthPhase = 'awaiting' | 'verifying' | 'ready';

/** Open; closing (a close asked for, waiting in order behind queued frames); gone (uWS closed it). */
const OPEN = 0;
const CLOSING = 1;
const GONE = 2;

let counter = 0;

export class UwsConnection implements Connection {
  private readonly seq = ++counter;
  private stateObj: Record<string, unknown> | undefined;
  private heldFrames: string[] | undefined;
  private rateBucket: TokenBucket | undefined;
  principal: unknown = undefined;
  readonly remoteAddress: string;
  phase: AuthPhase;
  /** While it authenticates, the auth deadline's timer; once authenticated, its credential's expiry group. */
  deadline: NodeJS.Timeout | ExpiryGroup<UwsConnection> | undefined;
  /** Set when the rate-limit warning frame went out; cleared when the client slows down. */
  rateWarned = false;
  /** Last client frame (or server keep-alive ping), in ms after the endpoint's activity origin. */
  private lastActivity: number;
  private life: typeof OPEN | typeof CLOSING | typeof GONE = OPEN;
  /** Set by `attach` when uWS opens the socket; the object is made at upgrade. */
  private ws!: WebSocket<SocketData>;

  constructor(
    private readonly shared: EndpointShared,
    remoteAddress: string,
    withAuth: boolean,
  ) {
    this.remoteAddress = remoteAddress;
    this.phase = withAuth ? 'awaiting' : 'ready';
    this.lastActivity = Date.now() - shared.activityEpoch;
  }

  /** Records activity (a client frame, or a keep-alive ping sent) at `now` (epoch ms). */
  touch(now = Date.now()): void {
    this.lastActivity = now - this.shared.activityEpoch;
  }

  /** Milliseconds since the last activity, at `now` (epoch ms). */
  idleFor(now = Date.now()): number {
    return now - this.shared.activityEpoch - this.lastActivity;
  }

  shiftActivity(shift: number): void {
    this.lastActivity -= shift;
  }

  /** Binds the uWS socket opened for this connection. */
  attach(ws: WebSocket<SocketData>): void {
    this.ws = ws;
  }

  get channel(): string {
    return this.shared.channel;
  }

  private get metrics(): SocketMetrics {
    return this.shared.metrics;
  }

  get id(): string {
    return `c${this.seq.toString(36)}`;
  }

  get state(): Record<string, unknown> {
    return (this.stateObj ??= {});
  }

  /** The inbound rate bucket, full when the socket sends its first frame. */
  get bucket(): TokenBucket {
    return (this.rateBucket ??= new TokenBucket(this.shared.rate));
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
    return this.life === OPEN;
  }

  /** The socket's shard group (relay.ts), the same for every topic. */
  get shard(): number {
    return this.seq % FANOUT_SHARDS;
  }

  /** Runs a step on the socket now, or behind what the endpoint's queue holds (relay.ts). */
  private inOrder(step: () => void): void {
    this.shared.outbound.inOrder(this.shard, step);
  }

  send(data: string | Buffer, isBinary = false, type = 'direct'): SendStatus {
    if (this.life !== OPEN) return 'closed';
    if (!this.shared.outbound.busy(this.shard)) return this.write(data, isBinary, type);
    this.shared.outbound.inOrder(this.shard, () => void this.write(data, isBinary, type));
    return 'ok';
  }

  private write(data: string | Buffer, isBinary: boolean, type: string): SendStatus {
    if (this.life === GONE) return 'closed';
    const result = this.ws.send(data, isBinary, false);
    if (result === 2) {
      this.metrics.drops.inc({ channel: this.channel, reason: 'backpressure' });
      return 'dropped';
    }
    const cells = this.shared.cells;
    cells.sent(type).add();
    cells.sentBytes.add(typeof data === 'string' ? Buffer.byteLength(data) : data.length);
    return result === 1 ? 'ok' : 'backpressure';
  }

  close(code: number, reason = ''): void {
    if (this.life !== OPEN) return;
    this.life = CLOSING;
    this.inOrder(() => {
      if (this.life === GONE) return;
      this.life = GONE;
      this.ws.end(code, clampCloseReason(reason));
    });
  }

  subscribe(topic: string): void {
    if (this.life !== OPEN) return;
    const name = shardTopic(topic, this.shard);
    this.inOrder(() => {
      if (this.life === OPEN) this.ws.subscribe(name);
    });
  }

  unsubscribe(topic: string): void {
    if (this.life !== OPEN) return;
    const name = shardTopic(topic, this.shard);
    this.inOrder(() => {
      if (this.life !== GONE) this.ws.unsubscribe(name);
    });
  }

  isSubscribed(topic: string): boolean {
    return this.life !== GONE && this.ws.isSubscribed(shardTopic(topic, this.shard));
  }

  bufferedAmount(): number {
    return this.life !== GONE ? this.ws.getBufferedAmount() : 0;
  }

  /** Runs `fn` with the socket corked so its sends leave in one write. */
  cork(fn: () => void): void {
    if (this.life !== GONE) this.ws.cork(fn);
    else fn();
  }

  /** Called from the uWS close handler: the socket object is invalid from here on. */
  markClosed(): void {
    this.life = GONE;
    const deadline = this.deadline;
    if (deadline instanceof ExpiryGroup) deadline.leave(this);
    else if (deadline !== undefined) clearTimeout(deadline);
    this.deadline = undefined;
    this.heldFrames = undefined;
  }
}
