/**
 * What the three channel gateways share around the engine: their dependencies, the lifecycle
 * they expose to `runService` and the standalone process, the directory read model built from
 * their config, and token verification with the registry's shared secret.
 */
import { createTokenService, type TokenService } from '@arcp/auth';
import { subjects } from '@arcp/protocol';
import type { Bus } from '@arcp/service-kit';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import { createAgentDirectory, type AgentDirectory } from './directory';
import type { ChannelHandle } from './engine';
import type { GatewayLogger } from './logger';
import type { UwsApp } from './server';

export interface GatewayDeps<C> {
  app: UwsApp;
  bus: Bus;
  config: C & { ARCP_BUS_PREFIX: string };
  logger: GatewayLogger;
  registry: Registry;
  now?: () => number;
  /** Peer addresses from `X-Forwarded-For` (behind a trusted edge proxy). */
  trustProxy?: boolean;
}

/** A mounted channel with its lifecycle. */
export interface Gateway {
  readonly handle: ChannelHandle;
  /** Resolves once the gateway can serve (directory loaded, subscriptions in place). */
  start(): Promise<void>;
  ready(): boolean;
  /** Closes sockets in bounded batches with the reconnect code. */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

/** The directory read model of a gateway, from its heartbeat timeout and coalescing window. */
export function gatewayDirectory(deps: GatewayDeps<{ AGENT_HEARTBEAT_TIMEOUT: number }>, coalesceMs: number): AgentDirectory {
  return createAgentDirectory({
    bus: deps.bus,
    bucket: subjects(deps.config.ARCP_BUS_PREFIX).agentsBucket,
    logger: deps.logger,
    heartbeatTimeoutMs: deps.config.AGENT_HEARTBEAT_TIMEOUT * 1000,
    coalesceMs,
    registry: deps.registry,
    ...(deps.now ? { now: deps.now } : {}),
  });
}

/** JWT settings of a gateway that verifies tokens (the registry signs them with the same secret). */
export const JwtVerifyEnv = z.object({
  // Shared HMAC secret of the registry's tokens; at least 32 characters.
  JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters'),
  // Pinned algorithm: tokens signed any other way (or unsigned) are rejected.
  JWT_ALGORITHM: z.enum(['HS256', 'HS384', 'HS512']).default('HS256'),
});

/** A token service used only to verify; lifetimes matter to the issuer (the registry) alone. */
export function verifyingTokenService(config: z.infer<typeof JwtVerifyEnv>): TokenService {
  return createTokenService({ secret: config.JWT_SECRET, algorithm: config.JWT_ALGORITHM, agentTtlS: 1, adminTtlS: 1, tempTtlS: 1 });
}
