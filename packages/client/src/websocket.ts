/**
 * The WebSocket the SDK drives: the browser's, Node's global one (Node 22+), or the `ws`
 * package's class passed in (Node 20). Only the standard surface is used (`onopen`, `onmessage`,
 * `onclose`, `onerror`, `send`, `close`), which all three share; `terminate()` is used when present.
 */
import { ArcpConfigError } from './errors';

/** Any class constructed as `new WebSocket(url)` with the standard surface. */
export type WebSocketConstructor = new (url: string) => object;

export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  terminate?(): void;
}

export const OPEN = 1;

export function resolveWebSocket(impl?: WebSocketConstructor): WebSocketConstructor {
  const found = impl ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!found) {
    throw new ArcpConfigError("no WebSocket implementation: pass { WebSocket } (e.g. `import WebSocket from 'ws'`) on Node 20");
  }
  return found;
}

export function openSocket(Impl: WebSocketConstructor, url: string): WebSocketLike {
  return new Impl(url) as WebSocketLike;
}
