/**
 * The raw uWebSockets.js app both raw baselines serve (uws-floor.ts, uws-forward.ts): the native
 * addon the product loads and nothing of the product around it. Every socket on `/public/ws` gets
 * a welcome frame and joins one topic; compression off, no idle timeout, 1 MiB send buffer unless
 * `maxBackpressure` says otherwise.
 */
import { loadUws, type Uws } from '@arcp/ws-engine';

export const RAW_TOPIC = 'agents';

export interface RawPublicApp {
  readonly uws: Uws;
  readonly app: ReturnType<Uws['App']>;
  /** Sockets open now. */
  open(): number;
}

export function rawPublicApp(maxBackpressure = 1024 * 1024): RawPublicApp {
  const uws = loadUws();
  const app = uws.App();
  let open = 0;
  app.ws('/public/ws', {
    compression: uws.DISABLED,
    maxPayloadLength: 16 * 1024,
    maxBackpressure,
    idleTimeout: 0,
    open: (ws) => {
      open++;
      ws.send('{"type":"welcome"}', false);
      ws.subscribe(RAW_TOPIC);
    },
    close: () => {
      open--;
    },
  });
  return { uws, app, open: () => open };
}
