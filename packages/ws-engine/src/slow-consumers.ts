/**
 * Slow-consumer detection. uWS skips publishing to a socket whose send buffer is over
 * `maxBackpressure`, so a stalled client silently misses frames; one that stays over the limit
 * for a whole check period is closed (4201, reconnect and resync) and its memory released.
 */
import type { UwsConnection } from './uws-connection';

export interface Sweep {
  stop(): void;
}

export function startSlowConsumerSweep(
  conns: ReadonlySet<UwsConnection>,
  limitBytes: number,
  periodMs: number,
  onSlow: (conn: UwsConnection) => void,
  /** After each check: the sockets found over the limit and left open (in their grace period). */
  onChecked: (backlogged: number) => void = () => undefined,
  now: () => number = Date.now,
): Sweep {
  const timer = setInterval(() => {
    const t = now();
    let backlogged = 0;
    for (const conn of conns) {
      if (!conn.isOpen) continue;
      if (conn.bufferedAmount() < limitBytes) {
        conn.overLimitSince = undefined;
      } else if (conn.overLimitSince === undefined) {
        conn.overLimitSince = t;
        backlogged++;
      } else {
        onSlow(conn);
      }
    }
    onChecked(backlogged);
  }, periodMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
