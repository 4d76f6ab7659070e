/**
 * Configuration of the agents gateway: the reference's `AGENT_WS_*` names and defaults, the JWT
 * settings shared with the registry (tokens are verified locally, never by calling it).
 */
import { JwtVerifyEnv, channelEnvFields } from '@arcp/gateway-core';
import { BaseServiceEnv, envNumber, envSeconds } from '@arcp/service-kit';
import { z } from 'zod';

export const AgentsChannelEnv = z.object({
  AGENT_HEARTBEAT_TIMEOUT: envSeconds({ min: 1, max: 86400, default: 60 }),
  // Directory changes within this window become one agent-list frame.
  AGENT_WS_COALESCE_MS: envNumber({ min: 0, max: 5000, default: 50 }),
  ...channelEnvFields('AGENT', { maxConnections: 100, maxPayloadBytes: 64 * 1024 }),
});

export const AgentsGatewayEnv = BaseServiceEnv.extend({
  ...AgentsChannelEnv.shape,
  ...JwtVerifyEnv.shape,
  GATEWAY_HOST: z.string().default('0.0.0.0'),
  GATEWAY_PORT: envNumber({ min: 0, max: 65535, default: 8080 }),
});
export type AgentsChannelConfig = z.infer<typeof AgentsChannelEnv>;
export type AgentsGatewayConfig = z.infer<typeof AgentsGatewayEnv>;
