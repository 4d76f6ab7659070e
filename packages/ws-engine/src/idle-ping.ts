/**
 * The reference servers' application keep-alive: an authenticated socket that sent nothing for
 * `idlePingMs` receives a text `ping` (and again every `idlePingMs` while it stays silent).
 * Transport-level liveness is uWS's own protocol pings; this exists for client compatibility.
 */
import type { UwsConnection } from './uws-connection';

export interface IdlePinger {
  stop(): void;
}

export function startIdlePinger(conns: ReadonlySet<UwsConnection>, idlePingMs: number, now: () => number = Date.now): IdlePinger {
  const timer = setInterval(
    () => {
      const t = now();
      for (const conn of conns) {
        if (!conn.isOpen || conn.phase !== 'ready' || conn.idleFor(t) < idlePingMs) continue;
        conn.touch(t);
        conn.send('ping', false, 'ping');
      }
    },
    Math.max(10, Math.min(1000, idlePingMs / 4)),
  );
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
