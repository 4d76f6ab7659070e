/**
 * @arcp/gateway-core: the uWebSockets.js engine. Mounts neutral HTTP routes and WebSocket
 * channel definitions on a uWS app, and keeps the gateways' read model of the agent directory.
 */
export { loadUws, uwsBinaryName, UwsNativeMissingError, type Uws } from './native';
export { createUwsApp, listen, ListenError, type UwsApp, type ListenHandle } from './server';
export { mountRoutes, mountNotFound, DEFAULT_MAX_BODY_BYTES, type MountOptions } from './http-mount';
export type { Connection, SendStatus } from './connection';
export type { ChannelDefinition, ChannelLimits, ChannelAuth, ChannelName, AuthResult } from './channel';
export type { RateLimit } from './rate-limit';
export { mountChannel, type ChannelHandle, type MountChannelDeps } from './engine';
export type { DrainOptions } from './drain';
export { gatewayMetrics, type GatewayMetrics, type DropReason } from './gateway-metrics';
export { classifyPing, RATE_LIMIT_FRAME, BINARY_FRAME, UNSUPPORTED_DATA, MAX_HELD_FRAMES } from './inbound';
export { createFakeConnection, createRecordingLogger, type FakeConnection, type LogLine } from './testing';
export type { GatewayLogger } from './logger';
export { channelEnvFields, channelLimitsFrom, type ChannelEnvPrefix, type ChannelEnvDefaults, type ChannelEnvFields } from './channel-env';
export { createCredentialGate, revocationMatches, type CredentialGate, type CredentialGateDeps } from './credentials';
export { runService, telemetryCounters, ARCP_VERSION, type ServiceParts, type ServiceContext, type RunServiceOptions } from './run-service';
export { createAgentDirectory, type AgentDirectory, type AgentDirectoryOptions } from './directory';
export { gatewayDirectory, verifyingTokenService, JwtVerifyEnv, type GatewayDeps, type Gateway } from './gateway-kit';
