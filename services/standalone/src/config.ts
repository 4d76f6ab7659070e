/**
 * The standalone process reads the same variables as the distributed services (one schema made
 * of theirs, so a bad value anywhere is reported in one message) plus its single listen port.
 */
import { AgentsChannelEnv } from '@arcp/gateway-agents';
import { DashboardChannelEnv } from '@arcp/gateway-dashboard';
import { PublicChannelEnv } from '@arcp/gateway-public';
import { MetricsEnv } from '@arcp/metrics';
import { RegistryEnv } from '@arcp/registry';
import { envNumber } from '@arcp/service-kit';
import { z } from 'zod';

export const StandaloneEnv = z.object({
  ...MetricsEnv.shape,
  ...PublicChannelEnv.shape,
  ...AgentsChannelEnv.shape,
  ...DashboardChannelEnv.shape,
  ...RegistryEnv.shape,
  // The one port of the whole product: registry API and the three channels (reference: 8001).
  ARCP_PORT: envNumber({ min: 0, max: 65535, default: 8001 }),
  ARCP_HOST: z.string().default('0.0.0.0'),
});
export type StandaloneConfig = z.infer<typeof StandaloneEnv>;
