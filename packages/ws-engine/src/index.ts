/**
 * @arcp/ws-engine: the only code that touches uWebSockets.js. Loads the native addon (never its
 * slow JS fallback), serves transport-neutral HTTP routes, and mounts WebSocket endpoints with
 * their limits (caps, payload, rate, auth deadline), backpressure, once-encoded fan-out and
 * drain. It knows sockets, not channels. Test doubles live at `@arcp/ws-engine/testing`.
 */
export { loadUws, uwsBinaryName, UwsNativeMissingError, type Uws } from './native';
export { createUwsApp, listen, ListenError, type UwsApp } from './server';
export { createUwsServer, type UwsServer } from './uws-server';
export { mountRoutes, mountNotFound, DEFAULT_MAX_BODY_BYTES } from './http-mount';
export type { Connection, SendStatus } from './connection';
export type { EndpointDefinition, EndpointLimits, EndpointAuth, AuthResult } from './endpoint';
export { mountEndpoint, type EndpointHandle, type MountEndpointDeps } from './engine';
export type { DrainOptions } from './drain';
export { socketMetrics, type SocketMetrics, type DropReason } from './socket-metrics';
export { classifyPing, RATE_LIMIT_FRAME, BINARY_FRAME, UNSUPPORTED_DATA, MAX_HELD_FRAMES } from './inbound';
export { TokenBucket } from './rate-limit';
