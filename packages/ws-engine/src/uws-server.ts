/**
 * The service-kit `ServerPort` on uWebSockets.js: one app, one port, for a service's HTTP routes
 * and the WebSocket endpoints mounted on the same `app` (the standalone process mounts every
 * service and channel on one of these).
 */
import type { ServerPort } from '@arcp/service-kit';
import { mountNotFound, mountRoutes } from './http-mount';
import { createUwsApp, listen, type UwsApp } from './server';

export interface UwsServer extends ServerPort {
  /** The uWS app, for `mountEndpoint`. */
  readonly app: UwsApp;
}

export function createUwsServer(): UwsServer {
  const app = createUwsApp();
  return {
    app,
    mountRoutes: (routes, opts) => mountRoutes(app, routes, opts),
    mountFallback: (opts) => mountNotFound(app, opts),
    listen: (host, port) => listen(app, host, port),
  };
}
