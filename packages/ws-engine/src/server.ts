/**
 * Creating a uWS app and listening on it. Port 0 picks a free port (tests, parallel replicas);
 * the real port is read back from the listen socket.
 */
import type { ListenHandle } from '@arcp/service-kit';
import type { TemplatedApp, us_listen_socket } from 'uWebSockets.js';
import { loadUws } from './native';

export type UwsApp = TemplatedApp;

/** The listen call failed (port in use, bad host). */
export class ListenError extends Error {
  override readonly name = 'ListenError';
}

export function createUwsApp(): UwsApp {
  return loadUws().App();
}

/** uWS listen option: refuse a port another socket holds (uWS otherwise shares it, SO_REUSEPORT). */
const LIBUS_LISTEN_EXCLUSIVE_PORT = 1;

type ListenWithOptions = (host: string, port: number, options: number, cb: (socket: us_listen_socket | false) => void) => void;

/**
 * Listens exclusively: a second server on a port that is already taken fails here, instead of
 * silently sharing the port (and its clients) with the first one.
 */
export function listen(app: UwsApp, host: string, port: number): Promise<ListenHandle> {
  const uws = loadUws();
  return new Promise((resolve, reject) => {
    // The typings lack the (host, port, options, cb) form the binary has.
    (app.listen as unknown as ListenWithOptions).call(app, host, port, LIBUS_LISTEN_EXCLUSIVE_PORT, (socket) => {
      if (!socket) {
        reject(new ListenError(`cannot listen on ${host}:${port}: the port is in use or the address is not this host's`));
        return;
      }
      let open = true;
      resolve({
        port: uws.us_socket_local_port(socket),
        close() {
          if (!open) return;
          open = false;
          uws.us_listen_socket_close(socket);
        },
      });
    });
  });
}
