/**
 * Slow-consumer detection, by time: uWS skips publishing to a socket whose send buffer is over
 * `maxBackpressure`, so a stalled client misses frames; one that stays over the limit for a
 * whole check period (the grace) is closed (4201, reconnect and resync) and its memory released.
 * Sockets seen over the limit are kept in `overLimit`, so a publish can count the frames uWS
 * skipped for them.
 */
import type { UwsConnection } from './uws-connection';

export interface Sweep {
  stop(): void;
}

export interface SweepOptions {
  limitBytes: number;
  /** The check period, which is also the grace a socket over the limit gets. */
  periodMs: number;
  /** The open sockets seen over the limit (in their grace period): kept up to date here. */
  overLimit: Set<UwsConnection>;
  /** A socket seen over the limit for the first time (its grace starts). */
  onOverLimit?: (conn: UwsConnection) => void;
  /** A socket still over the limit a whole period later: close it. */
  onSlow: (conn: UwsConnection) => void;
  /** After each check: the sockets found over the limit and left open (in their grace period). */
  onChecked?: (backlogged: number) => void;
}

export function startSlowConsumerSweep(conns: ReadonlySet<UwsConnection>, opts: SweepOptions): Sweep {
  const { limitBytes, overLimit } = opts;
  const timer = setInterval(() => {
    let backlogged = 0;
    for (const conn of conns) {
      if (!conn.isOpen) continue;
      if (conn.bufferedAmount() < limitBytes) {
        overLimit.delete(conn);
      } else if (!overLimit.has(conn)) {
        overLimit.add(conn);
        backlogged++;
        opts.onOverLimit?.(conn);
      } else {
        opts.onSlow(conn);
      }
    }
    opts.onChecked?.(backlogged);
  }, opts.periodMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
