/**
 * The NATS subject, KV bucket, stream and uWS topic catalog: every name that travels between
 * services is built here from one prefix, so a test (or a second deployment on the same NATS)
 * can isolate itself by choosing another prefix.
 *
 * Planes: `<p>.dir.*` directory changes from the registry, `<p>.dash.*` the dashboard plane fed
 * by the metrics service, `<p>.events.*` log/security events, `<p>.telemetry` service beats,
 * `<p>.revoke.*` credential revocations.
 */

export interface Subjects {
  readonly prefix: string;
  /** Directory change events (DirectoryEvent), published once per change by the registry. */
  readonly directoryChanged: string;
  /** Credential revocations (RevocationEvent): admin logout, agent unregistration. */
  readonly revocations: string;
  /** Log and security events (LogEvent) from every service, stored by the metrics service. */
  readonly logEvents: string;
  /** Periodic telemetry beats (TelemetryEvent) from every service instance. */
  readonly telemetry: string;
  /** Dashboard frames (already encoded JSON) produced by the metrics leader, by frame type. */
  dashboardFrame(type: DashboardFrameTopic): string;
  /** Wildcard matching every dashboard frame subject. */
  readonly dashboardFrames: string;
  /** Request/reply: dashboard gateway → metrics service commands (DashboardCommandRequest). */
  readonly dashboardCommands: string;
  /** Queue group used by every replica answering `dashboardCommands`. */
  readonly dashboardCommandsQueue: string;
  /** Queue group of the metrics replicas storing `logEvents`: each event is stored once. */
  readonly logEventsQueue: string;
  /** KV bucket: the agent directory (key = agent id, value = StoredAgent JSON). */
  readonly agentsBucket: string;
  /** KV bucket: revoked credentials (key = token id / subject hash), with a TTL. */
  readonly revokedBucket: string;
  /** KV bucket: leader leases (metrics producer, registry liveness sweeper). */
  readonly leasesBucket: string;
  /** KV bucket: registry bookkeeping (agent-key bindings, login lockouts). */
  readonly registryBucket: string;
  /** JetStream stream holding dashboard logs. */
  readonly logsStream: string;
  /** Subject the logs stream captures. */
  readonly logsStored: string;
  /** JetStream stream holding persisted dashboard alerts. */
  readonly alertsStream: string;
  /** Subject the alerts stream captures. */
  readonly alertsStored: string;
}

export type DashboardFrameTopic = 'monitoring' | 'health' | 'agents' | 'logs' | 'alert';

/** The default prefix for every deployment; override with `ARCP_BUS_PREFIX`. */
export const DEFAULT_PREFIX = 'arcp';

const TOKEN = /^[A-Za-z0-9_-]+$/;

/** Builds the catalog for one prefix. Prefix tokens must be NATS- and KV-safe. */
export function subjects(prefix: string = DEFAULT_PREFIX): Subjects {
  if (!prefix.split('.').every((t) => TOKEN.test(t))) {
    throw new Error(`invalid bus prefix "${prefix}": dot-separated tokens of [A-Za-z0-9_-] required`);
  }
  const flat = prefix.replace(/\./g, '_');
  return Object.freeze({
    prefix,
    directoryChanged: `${prefix}.dir.changed`,
    revocations: `${prefix}.revoke.credential`,
    logEvents: `${prefix}.events.log`,
    telemetry: `${prefix}.telemetry`,
    dashboardFrame: (type: DashboardFrameTopic) => `${prefix}.dash.frame.${type}`,
    dashboardFrames: `${prefix}.dash.frame.*`,
    dashboardCommands: `${prefix}.dash.cmd`,
    dashboardCommandsQueue: `${flat}_dash_cmd`,
    logEventsQueue: `${flat}_events_log`,
    agentsBucket: `${flat}_agents`,
    revokedBucket: `${flat}_revoked`,
    leasesBucket: `${flat}_leases`,
    registryBucket: `${flat}_registry`,
    logsStream: `${flat}_logs`,
    logsStored: `${prefix}.store.logs`,
    alertsStream: `${flat}_alerts`,
    alertsStored: `${prefix}.store.alerts`,
  });
}

/** uWS topics inside one gateway process (not NATS subjects). */
export const Topics = Object.freeze({
  publicAgents: 'public/agents',
  /** agents_delta frames, for sockets that asked for them (agent_updates extension). */
  publicAgentsDelta: 'public/agents-delta',
  publicStats: 'public/stats',
  agentsList: 'agents/list',
  /** monitoring, health, alert: not delivered while a dashboard is paused. */
  dashboardPausable: 'dashboard/pausable',
  /** agents, logs: delivered to every authenticated dashboard, paused or not. */
  dashboardAlways: 'dashboard/always',
});
