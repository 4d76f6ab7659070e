/**
 * Variables of the dashboard channel beyond its `DASHBOARD_WS_*` limits and the JWT settings
 * (which the catalog adds): how long to wait for the metrics service when relaying a command.
 */
import { envNumber } from '@arcp/service-kit';
import { z } from 'zod';

export const DashboardChannelEnv = z.object({
  // Bound on the request/reply round trip to the metrics service for snapshots and commands.
  DASHBOARD_COMMAND_TIMEOUT_MS: envNumber({ min: 100, max: 60_000, default: 5000 }),
});
export type DashboardChannelConfig = z.infer<typeof DashboardChannelEnv>;
