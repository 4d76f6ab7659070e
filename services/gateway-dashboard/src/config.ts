/**
 * Configuration of the dashboard gateway: the reference's `DASHBOARD_WS_*` names and defaults
 * (a cap of 5 dashboards per replica), the JWT settings shared with the registry, and how long
 * to wait for the metrics service when relaying a command.
 */
import { JwtVerifyEnv, channelEnvFields } from '@arcp/gateway-core';
import { BaseServiceEnv, envNumber } from '@arcp/service-kit';
import { z } from 'zod';

export const DashboardChannelEnv = z.object({
  // Bound on the request/reply round trip to the metrics service for snapshots and commands.
  DASHBOARD_COMMAND_TIMEOUT_MS: envNumber({ min: 100, max: 60_000, default: 5000 }),
  ...channelEnvFields('DASHBOARD', { maxConnections: 5, maxPayloadBytes: 256 * 1024 }),
});

export const DashboardGatewayEnv = BaseServiceEnv.extend({
  ...DashboardChannelEnv.shape,
  ...JwtVerifyEnv.shape,
  GATEWAY_HOST: z.string().default('0.0.0.0'),
  GATEWAY_PORT: envNumber({ min: 0, max: 65535, default: 8080 }),
});
export type DashboardChannelConfig = z.infer<typeof DashboardChannelEnv>;
export type DashboardGatewayConfig = z.infer<typeof DashboardGatewayEnv>;
