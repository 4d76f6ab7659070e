/**
 * Channel definitions for engine tests: an echo channel whose handlers record what happened.
 */
import type { EndpointDefinition, EndpointLimits } from '../endpoint';
import type { Connection } from '../connection';

export interface Recorded {
  opened: Connection[];
  closed: Array<{ conn: Connection; code: number }>;
}

export const testLimits = (over: Partial<EndpointLimits> = {}): EndpointLimits => ({
  maxConnections: 100,
  maxPayloadBytes: 1024,
  idleTimeoutS: 0,
  maxBackpressureBytes: 64 * 1024,
  messageRate: { burst: 100, perSecond: 100 },
  ...over,
});

/** Sends `welcome` on open, subscribes to `topic`, echoes text as `echo:<text>`. */
export function echoChannel(
  path: string,
  over: Partial<EndpointDefinition> = {},
  topic = 'test/topic',
): { def: EndpointDefinition; rec: Recorded } {
  const rec: Recorded = { opened: [], closed: [] };
  const def: EndpointDefinition = {
    name: 'public',
    path,
    limits: testLimits(),
    textPing: 'trim-lower',
    jsonPing: true,
    onOpen(conn) {
      rec.opened.push(conn);
      conn.subscribe(topic);
      conn.send('welcome');
    },
    onMessage(conn, text) {
      if (text === 'throw') throw new Error('handler bug');
      conn.send(`echo:${text}`);
    },
    onClose(conn, code) {
      rec.closed.push({ conn, code });
    },
    ...over,
  };
  return { def, rec };
}
