/**
 * The transport-neutral connection channel handlers work with (Hono-style): no uWS types leak
 * through, so handlers are plain functions testable with `createFakeConnection`.
 */

/**
 * Outcome of a send: `ok` written or queued below the limit; `backpressure` queued but the
 * socket is over its limit (slow consumer, may be dropped later); `dropped` not sent because the
 * buffer was full; `closed` the socket is gone.
 */
export type SendStatus = 'ok' | 'backpressure' | 'dropped' | 'closed';

export interface Connection {
  /** Unique per process, for logs and maps. */
  readonly id: string;
  /** Channel name (`public`, `agents`, `dashboard`). */
  readonly channel: string;
  readonly remoteAddress: string;
  /** Per-connection channel state; the engine never reads it. */
  readonly state: Record<string, unknown>;
  /** What the channel's auth step returned on success; undefined before (or without) auth. */
  principal: unknown;
  readonly isOpen: boolean;
  /** Sends one frame (text unless `isBinary`); `type` labels the sent-messages metric. */
  send(data: string | Buffer, isBinary?: boolean, type?: string): SendStatus;
  /** Closes with a close frame; later calls are ignored. */
  close(code: number, reason?: string): void;
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
  /** Bytes queued for this socket and not yet written to the kernel. */
  bufferedAmount(): number;
}
