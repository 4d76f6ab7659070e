/**
 * What the per-socket steps of a mounted channel share, and the guard that keeps a failing
 * channel callback from taking the socket or the process down.
 */
import type { Admission } from './admission';
import type { EndpointDefinition } from './endpoint';
import type { Connection } from './connection';
import type { ChannelCells, SocketMetrics } from './socket-metrics';
import type { ExpiryClock } from './expiry';
import type { UwsConnection } from './uws-connection';
import type { LoggerLike } from '@arcp/service-kit';

export interface InboundContext {
  readonly def: EndpointDefinition;
  readonly admission: Admission;
  readonly metrics: SocketMetrics;
  /** The channel's cells of the per-socket and per-frame series. */
  readonly cells: ChannelCells;
  /** Closes authenticated sockets when their credential expires. */
  readonly expiry: ExpiryClock<UwsConnection>;
  readonly logger: LoggerLike;
}

/** Runs a channel callback; a throw or a rejection is logged and the socket stays up. */
export function guard(ctx: InboundContext, conn: Connection, fn: () => void | Promise<void>): void {
  const fail = (err: unknown) => ctx.logger.error({ err, channel: ctx.def.name, conn: conn.id }, 'channel handler failed');
  try {
    const out = fn();
    if (out instanceof Promise) out.catch(fail);
  } catch (err) {
    fail(err);
  }
}
