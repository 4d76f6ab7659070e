/**
 * Configuration of the public gateway. Names and defaults of the reference server are kept
 * (`PUBLIC_WS_*`, `AGENT_HEARTBEAT_TIMEOUT`); the limits it lacked are new and documented here.
 */
import { channelEnvFields } from '@arcp/gateway-core';
import { BaseServiceEnv, envNumber, envSeconds } from '@arcp/service-kit';
import { z } from 'zod';

export const PublicChannelEnv = z.object({
  // Period of the `stats_update` broadcast (reference default 30 s).
  PUBLIC_WS_INTERVAL: envSeconds({ min: 0.05, max: 3600, default: 30 }),
  // Agents are alive while their last heartbeat is newer than this; must match the registry.
  AGENT_HEARTBEAT_TIMEOUT: envSeconds({ min: 1, max: 86400, default: 60 }),
  // Directory changes arriving within this window become one `agents_update` (the last one
  // always shows the final state).
  PUBLIC_WS_COALESCE_MS: envNumber({ min: 0, max: 5000, default: 50 }),
  ...channelEnvFields('PUBLIC', { maxConnections: 100, maxPayloadBytes: 64 * 1024 }),
});

export const PublicGatewayEnv = BaseServiceEnv.extend({
  ...PublicChannelEnv.shape,
  // Where the gateway listens for WebSocket upgrades.
  GATEWAY_HOST: z.string().default('0.0.0.0'),
  GATEWAY_PORT: envNumber({ min: 0, max: 65535, default: 8080 }),
});
export type PublicChannelConfig = z.infer<typeof PublicChannelEnv>;
export type PublicGatewayConfig = z.infer<typeof PublicGatewayEnv>;
