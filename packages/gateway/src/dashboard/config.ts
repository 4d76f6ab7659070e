/**
 * Variables of the dashboard channel beyond its `DASHBOARD_WS_*` limits and the JWT settings
 * (which the catalog adds): how long to wait for the metrics service when relaying a command,
 * and how the `agents` frame, built here from the gateway's copy of the directory, is paced.
 */
import { envNumber, envSeconds } from '@arcp/service-kit';
import { z } from 'zod';

export const DashboardChannelEnv = z.object({
  // Bound on the request/reply round trip to the metrics service for snapshots and commands.
  DASHBOARD_COMMAND_TIMEOUT_MS: envNumber({ min: 100, max: 60_000, default: 5000 }),
  // The metrics service's frame period (the same variable it reads): after three periods without
  // a frame the gateway tells its dashboards that the data is not fresh.
  DASHBOARD_WS_INTERVAL: envSeconds({ min: 0.05, max: 3600, default: 5 }),
  // The agents frame shows an agent dead once its heartbeat is this old (the registry's value).
  AGENT_HEARTBEAT_TIMEOUT: envSeconds({ min: 1, max: 86400, default: 60 }),
  // A directory change is sent to dashboards at once; further changes within this window become
  // one agents frame at its end (the frame lists every agent, so it is paced slower than the
  // other channels' lists).
  DASHBOARD_WS_COALESCE_MS: envNumber({ min: 0, max: 60_000, default: 1000 }),
});
export type DashboardChannelConfig = z.infer<typeof DashboardChannelEnv>;
