/**
 * Variables of the agents channel beyond its `AGENT_WS_*` limits and the JWT settings (which
 * the catalog adds): the reference's names and defaults.
 */
import { envNumber, envSeconds } from '@arcp/service-kit';
import { z } from 'zod';

export const AgentsChannelEnv = z.object({
  AGENT_HEARTBEAT_TIMEOUT: envSeconds({ min: 1, max: 86400, default: 60 }),
  // Directory changes within this window become one agent-list frame.
  AGENT_WS_COALESCE_MS: envNumber({ min: 0, max: 5000, default: 50 }),
});
export type AgentsChannelConfig = z.infer<typeof AgentsChannelEnv>;
