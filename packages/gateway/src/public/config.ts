/**
 * Variables of the public channel beyond its `PUBLIC_WS_*` limits (which the catalog adds).
 * Names and defaults of the reference server are kept.
 */
import { envNumber, envSeconds } from '@arcp/service-kit';
import { z } from 'zod';

export const PublicChannelEnv = z.object({
  // Period of the `stats_update` broadcast (reference default 30 s).
  PUBLIC_WS_INTERVAL: envSeconds({ min: 0.05, max: 3600, default: 30 }),
  // Agents are alive while their last heartbeat is newer than this; must match the registry.
  AGENT_HEARTBEAT_TIMEOUT: envSeconds({ min: 1, max: 86400, default: 60 }),
  // Directory changes arriving within this window become one `agents_update` (the last one
  // always shows the final state).
  PUBLIC_WS_COALESCE_MS: envNumber({ min: 0, max: 5000, default: 50 }),
});
export type PublicChannelConfig = z.infer<typeof PublicChannelEnv>;
