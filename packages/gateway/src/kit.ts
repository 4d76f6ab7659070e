/**
 * What the channel gateways share around the engine: their dependencies, the lifecycle they
 * expose to the process runtime and to the standalone process, and the directory read model
 * built from their config.
 */
import type { TokenService } from '@arcp/auth';
import { subjects } from '@arcp/protocol';
import type { Bus, LoggerLike, RouteDef } from '@arcp/service-kit';
import type { EndpointHandle, EndpointLimits, UwsApp } from '@arcp/ws-engine';
import type { Registry } from 'prom-client';
import { createDirectoryReader, type DirectoryReader } from '@arcp/directory';

export interface GatewayDeps<C> {
  app: UwsApp;
  bus: Bus;
  config: C & { ARCP_BUS_PREFIX: string };
  /** The channel's limits, read from its `<PREFIX>_WS_*` variables. */
  limits: EndpointLimits;
  logger: LoggerLike;
  registry: Registry;
  /** Verifies tokens; required by channels that authenticate (agents, dashboard). */
  tokens?: TokenService;
  now?: () => number;
  /** Peer addresses from `X-Forwarded-For` (behind a trusted edge proxy). */
  trustProxy?: boolean;
}

/** A mounted channel with its lifecycle. */
export interface Gateway {
  readonly handle: EndpointHandle;
  /** HTTP routes the channel serves next to its socket (the dashboard's web page). */
  readonly routes?: RouteDef[];
  /** Resolves once the gateway can serve (directory loaded, subscriptions in place). */
  start(): Promise<void>;
  ready(): boolean;
  /** Closes sockets in bounded batches with the reconnect code. */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

/** The token service of a channel that authenticates; a wiring mistake if it is missing. */
export function requireTokens(deps: Pick<GatewayDeps<unknown>, 'tokens'>, channel: string): TokenService {
  if (!deps.tokens) throw new Error(`the ${channel} gateway verifies tokens: pass a token service in its deps`);
  return deps.tokens;
}

/** The directory read model of a gateway, from its heartbeat timeout. */
export function gatewayDirectory(deps: GatewayDeps<{ AGENT_HEARTBEAT_TIMEOUT: number }>): DirectoryReader {
  return createDirectoryReader({
    bus: deps.bus,
    bucket: subjects(deps.config.ARCP_BUS_PREFIX).agentsBucket,
    logger: deps.logger,
    heartbeatTimeoutMs: deps.config.AGENT_HEARTBEAT_TIMEOUT * 1000,
    registry: deps.registry,
    ...(deps.now ? { now: deps.now } : {}),
  });
}
