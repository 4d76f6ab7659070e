/**
 * The metrics service's environment: its own variables on top of BaseServiceEnv, parsed once by
 * `loadConfig(MetricsEnv)` at the entry point.
 */
import { BaseServiceEnv, envNumber, envSeconds } from '@arcp/service-kit';
import { z } from 'zod';

export const MetricsEnv = z.object({
  ...BaseServiceEnv.shape,
  // Seconds between two rounds of dashboard frames (reference default 5 s).
  DASHBOARD_WS_INTERVAL: envSeconds({ min: 0.05, max: 3600, default: 5 }),
  // Seconds without a heartbeat after which a reader counts an agent as dead (lazy rule).
  AGENT_HEARTBEAT_TIMEOUT: envSeconds({ min: 1, max: 86_400, default: 60 }),
  // Bound of the durable log and alert streams (reference buffer size); oldest entries go first.
  DASHBOARD_LOG_BUFFER_MAXLEN: envNumber({ min: 1, max: 1_000_000, default: 10_000 }),
  // Longest log message stored: longer ones keep N-3 characters plus "..." (the reference's rule).
  // Applied to everything this service stores, in either direction from the protocol's 2048:
  // bus log events are read without the protocol clamp, dashboard_log lines arrive whole. Entries
  // other services build with protocol `logEntry()` are already cut at 2048 before publishing, so
  // for those a value above 2048 changes nothing. Capped at 64 Ki characters so one entry stays far
  // below the NATS message limit (frames and replies are also bounded to 512 KiB of entries).
  DASHBOARD_LOG_MESSAGE_MAXLEN: envNumber({ min: 16, max: 65_536, default: 2048 }),
  // Entries a dashboard receives on connect/refresh. Not the whole buffer: a 10 000-entry reply
  // would exceed the NATS payload limit, and later frames only carry what is new anyway.
  DASHBOARD_LOG_WINDOW: envNumber({ min: 1, max: 10_000, default: 500 }),
  // An instance that has not sent telemetry for this long is gone (crashed or scaled down).
  TELEMETRY_TIMEOUT_S: envSeconds({ min: 0.1, max: 3600, default: 15 }),
  // How often this instance publishes its own telemetry beat.
  TELEMETRY_INTERVAL_S: envSeconds({ min: 0.05, max: 3600, default: 5 }),
  // Producer lease lifetime: a standby takes over at most this long after the leader stops
  // renewing; the leader renews every third of it.
  LEADER_LEASE_TTL_S: envSeconds({ min: 0.3, max: 600, default: 6 }),
  // WebSocket connections the whole deployment is sized for (all gateways, all replicas). The
  // monitoring frame's `network` figure is the connections reported in telemetry against it.
  CLUSTER_CONNECTION_CAPACITY: envNumber({ min: 1, max: 100_000_000, default: 10_000 }),
});

export type MetricsConfig = z.infer<typeof MetricsEnv>;
