/**
 * Info lines for socket opens and closes, one per event with the client address while a
 * channel sees few of them, and a per-second summary once it passes `perSecond`: a reconnect
 * storm of thousands of sockets writes one line a second per channel, not thousands.
 */
import type { LoggerLike } from '@arcp/service-kit';

export interface SocketEvent {
  conn: string;
  client_ip: string;
  /** Close code and reason, on close. */
  code?: number;
  reason?: string;
  /** Whether the socket had authenticated (on close). */
  authenticated?: boolean;
}

export interface SocketLog {
  opened(event: SocketEvent): void;
  closed(event: SocketEvent): void;
  /** Writes a pending summary now and stops the timer. */
  flush(): void;
}

export interface SocketLogOptions {
  channel: string;
  logger: LoggerLike;
  /** Events per second logged one by one; the rest go into the summary. Default 20. */
  perSecond?: number;
  now?: () => number;
}

export function createSocketLog(opts: SocketLogOptions): SocketLog {
  const limit = opts.perSecond ?? 20;
  const now = opts.now ?? Date.now;
  let windowStart = 0;
  let logged = 0;
  let summary = { opened: 0, closed: 0 };
  let timer: NodeJS.Timeout | undefined;

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (summary.opened + summary.closed === 0) return;
    opts.logger.info(
      { channel: opts.channel, opened: summary.opened, closed: summary.closed, per_s_logged: limit },
      'socket activity above the logged rate (summary of the last second)',
    );
    summary = { opened: 0, closed: 0 };
  };

  const record = (kind: 'opened' | 'closed', event: SocketEvent) => {
    const t = now();
    if (t - windowStart >= 1000) {
      flush();
      windowStart = t;
      logged = 0;
    }
    if (logged < limit) {
      logged++;
      opts.logger.info({ channel: opts.channel, ...event }, `socket ${kind}`);
      return;
    }
    summary[kind]++;
    if (!timer) {
      timer = setTimeout(flush, Math.max(0, windowStart + 1000 - t));
      timer.unref();
    }
  };

  return { opened: (e) => record('opened', e), closed: (e) => record('closed', e), flush };
}
