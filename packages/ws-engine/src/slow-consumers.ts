/**
 * Slow-consumer detection, by time: uWS skips publishing to a socket whose send buffer is over
 * `maxBackpressure`, so a stalled client misses frames; one that stays over the limit for a
 * whole check period is closed (4201, reconnect and resync) and its memory released. Sockets seen
 * over the limit are kept in `overLimit`, so a publish can count the frames uWS skipped for them.
 */
import type { UwsConnection } from './uws-connection';

export interface Sweep {
  stop(): void;
}

export function startSlowConsumerSweep(
  conns: ReadonlySet<UwsConnection>,
  overLimit: Set<UwsConnection>,
  limitBytes: number,
  periodMs: number,
  onOverLimit: (conn: UwsConnection) => void,
  onSlow: (conn: UwsConnection) => void,
): Sweep {
  const timer = setInterval(() => {
    for (const conn of conns) {
      if (!conn.isOpen) continue;
      if (conn.bufferedAmount() < limitBytes) {
        conn.overLimit = false;
        overLimit.delete(conn);
      } else if (!conn.overLimit) {
        conn.overLimit = true;
        overLimit.add(conn);
        onOverLimit(conn);
      } else {
        onSlow(conn);
      }
    }
  }, periodMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
