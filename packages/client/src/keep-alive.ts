/**
 * The client side of keep-alive: after `idleMs` without any frame from the server, send a JSON
 * ping; if nothing at all arrives within `timeoutMs` after it, the peer is gone (a browser cannot
 * see a dead TCP connection otherwise) and the socket is abandoned so the channel reconnects.
 */
import { OPEN, type WebSocketLike } from './websocket';

export interface KeepAliveOptions {
  /** Send a JSON ping after this long without any frame from the server. */
  idleMs: number;
  /** Drop the socket (and reconnect) when nothing arrives this long after that ping. */
  timeoutMs: number;
}

export const DEFAULT_KEEPALIVE: Readonly<KeepAliveOptions> = Object.freeze({ idleMs: 30_000, timeoutMs: 10_000 });

export interface KeepAliveClock {
  lastHeard(): number;
  pingSentAt(): number;
  markPing(at: number): void;
}

export function startKeepAlive(
  opts: KeepAliveOptions,
  ws: WebSocketLike,
  clock: KeepAliveClock,
  abandon: (code: number, reason: string) => void,
): ReturnType<typeof setInterval> {
  const timer = setInterval(
    () => {
      const now = Date.now();
      const sent = clock.pingSentAt();
      const heard = clock.lastHeard();
      if (sent > 0 && heard < sent && now - sent >= opts.timeoutMs) return abandon(1006, 'keep-alive timeout');
      if (now - heard >= opts.idleMs && (sent === 0 || heard >= sent)) {
        clock.markPing(now);
        if (ws.readyState === OPEN) ws.send('{"type":"ping"}');
      }
    },
    Math.max(50, Math.min(opts.idleMs, opts.timeoutMs) / 2),
  );
  (timer as { unref?: () => void }).unref?.();
  return timer;
}
