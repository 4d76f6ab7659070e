/**
 * Running gateways: one channel as its own service (`services/gateway-<name>`), or every channel
 * of a catalog on one shared uWS app (the standalone process). Both build the channel's deps the
 * same way, from the catalog entry and the parsed config.
 */
import { verifyingTokenService, type JwtConfig, type TokenService } from '@arcp/auth';
import { gatewayService, type ChannelName } from '@arcp/protocol';
import { BaseServiceEnv, envNumber, envString, runService, type Bus, type LoggerLike } from '@arcp/service-kit';
import { createUwsServer, type UwsApp } from '@arcp/ws-engine';
import type { Registry } from 'prom-client';
import { type z } from 'zod';
import { authenticates, channelEnv, channelLimits, GATEWAY_CHANNELS, type ChannelSpec } from './channels';
import type { Gateway } from './kit';

/** The variables of a gateway process: the service basics, the channel's own, and its listener. */
export function gatewayServiceEnv(spec: ChannelSpec): z.ZodObject {
  return BaseServiceEnv.extend({
    ...channelEnv(spec).shape,
    // Where the gateway listens for WebSocket upgrades.
    GATEWAY_HOST: envString({ default: '0.0.0.0', rule: 'a host name or address to bind' }),
    GATEWAY_PORT: envNumber({ min: 0, max: 65535, default: 8080 }),
  });
}

export interface MountGatewayDeps {
  app: UwsApp;
  bus: Bus;
  /** Parsed config holding every variable of the channel (see `channelEnv`). */
  config: object & { ARCP_BUS_PREFIX: string; TRUST_PROXY: boolean };
  logger: LoggerLike;
  registry: Registry;
  /** Token verification; built from the config's JWT settings when omitted. */
  tokens?: TokenService;
  now?: () => number;
}

/** Creates one channel's gateway on `deps.app` from its catalog entry. */
export function mountGateway(spec: ChannelSpec, deps: MountGatewayDeps): Gateway {
  const tokens = authenticates(spec) ? (deps.tokens ?? verifyingTokenService(deps.config as unknown as JwtConfig)) : undefined;
  return spec.create({
    app: deps.app,
    bus: deps.bus,
    config: deps.config as never,
    limits: channelLimits(spec, deps.config),
    logger: deps.logger,
    registry: deps.registry,
    trustProxy: deps.config.TRUST_PROXY,
    ...(tokens ? { tokens } : {}),
    ...(deps.now ? { now: deps.now } : {}),
  });
}

/** Every channel of `catalog` on one app (the standalone process). */
export function mountGateways(deps: MountGatewayDeps, catalog: Readonly<Record<string, ChannelSpec>> = GATEWAY_CHANNELS): Gateway[] {
  return Object.values(catalog).map((spec) => mountGateway(spec, deps));
}

/** The entry point of `services/gateway-<name>`: the channel on its own port over NATS. */
export function runGateway(name: ChannelName): Promise<void> {
  const spec = GATEWAY_CHANNELS[name];
  return runService({
    service: gatewayService(name),
    envSchema: gatewayServiceEnv(spec),
    listener: {
      create: createUwsServer,
      listenOn: (c: { GATEWAY_HOST: string; GATEWAY_PORT: number }) => ({ host: c.GATEWAY_HOST, port: c.GATEWAY_PORT }),
    },
    build: ({ config, bus, logger, registry, server }) => {
      const gw = mountGateway(spec, { app: server.app, bus, config: config as MountGatewayDeps['config'], logger, registry });
      return { ...gw, connections: () => gw.handle.count() };
    },
  });
}
