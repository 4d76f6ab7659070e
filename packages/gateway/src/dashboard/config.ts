/**
 * Variables of the dashboard channel beyond its `DASHBOARD_WS_*` limits and the JWT settings
 * (which the catalog adds): how long to wait for the metrics service when relaying a command.
 */
import { envNumber, envSeconds } from '@arcp/service-kit';
import { z } from 'zod';

export const DashboardChannelEnv = z.object({
  // Bound on the request/reply round trip to the metrics service for snapshots and commands.
  DASHBOARD_COMMAND_TIMEOUT_MS: envNumber({ min: 100, max: 60_000, default: 5000 }),
  // The metrics service's frame period (the same variable it reads): after three periods without
  // a frame the gateway tells its dashboards that the data is not fresh.
  DASHBOARD_WS_INTERVAL: envSeconds({ min: 0.05, max: 3600, default: 5 }),
});
export type DashboardChannelConfig = z.infer<typeof DashboardChannelEnv>;
