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

export function listen(app: UwsApp, host: string, port: number): Promise<ListenHandle> {
  const uws = loadUws();
  return new Promise((resolve, reject) => {
    app.listen(host, port, (socket: us_listen_socket | false) => {
      if (!socket) {
        reject(new ListenError(`cannot listen on ${host}:${port}`));
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
