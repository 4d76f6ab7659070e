/**
 * The `data` of the dashboard's periodic frames (as in the original ARCP server): monitoring, health,
 * agents, logs and alerts (live and hydrated shapes), plus alert normalisation for storage.
 */
import * as z from 'zod';
import { LogEntrySchema } from '../events';
import { nowIso } from '../time';
import { ZonedIsoDateTime } from '../validation';
import { DashboardAgentWireSchema, DashboardMetricsWireSchema } from './common';

const count = z.number().int().min(0);

export const MonitoringDataSchema = z.strictObject({
  total_requests: z.number().min(0),
  /** Seconds (the reference labels its thresholds "ms" but averages seconds). */
  avg_response_time: z.number().min(0),
  error_rate: z.number().min(0).max(1),
  agent_count: count,
  resource_utilization: z.strictObject({ cpu: z.number(), memory: z.number(), network: z.number(), storage: z.number() }),
  agent_metrics: z.array(DashboardMetricsWireSchema),
});
export type MonitoringData = z.output<typeof MonitoringDataSchema>;

export const HEALTH_STATUSES = ['healthy', 'degraded', 'unhealthy', 'error'] as const;

/** Component details vary by deployment (ours reports NATS, not a fake `redis` field). */
const ComponentSchema = z.object({ status: z.string() }).catchall(z.union([z.string(), z.number(), z.boolean()]));

export const AgentsHealthSchema = z.strictObject({
  total: count,
  active: count,
  status: z.enum(['healthy', 'degraded', 'critical', 'no_agents']),
  connectivity_ratio: z.number().min(0).max(1),
});

const GatewayDeploymentSchema = z.strictObject({ replicas: count, connections: count });

/**
 * Live replicas and open connections of each gateway deployment (from telemetry). Not a status
 * component, hence no `status` key: the reference has no gateways to report.
 */
export const GatewaysHealthSchema = z.strictObject({
  public: GatewayDeploymentSchema,
  agents: GatewayDeploymentSchema,
  dashboard: GatewayDeploymentSchema,
});
export type GatewaysHealth = z.output<typeof GatewaysHealthSchema>;

export const HealthDataSchema = z.strictObject({
  status: z.enum(HEALTH_STATUSES),
  reason: z.string(),
  components: z
    .object({ storage: ComponentSchema, agents: AgentsHealthSchema, gateways: GatewaysHealthSchema.optional() })
    .catchall(ComponentSchema),
});
export type HealthData = z.output<typeof HealthDataSchema>;

export const AgentsDataSchema = z.strictObject({
  agents: z.array(DashboardAgentWireSchema),
  total_count: count,
  active_count: count,
  agent_types: z.record(z.string(), count),
  // The reference sends `{}` when there are no agents.
  status_summary: z.union([z.strictObject({ alive: count, dead: count }), z.strictObject({})]),
});
export type AgentsData = z.output<typeof AgentsDataSchema>;

export const LogsDataSchema = z.strictObject({
  logs: z.array(LogEntrySchema),
  count: count,
  last_updated: ZonedIsoDateTime,
});
export type LogsData = z.output<typeof LogsDataSchema>;

export const ALERT_SEVERITIES = ['critical', 'warning', 'info'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** An alert raised by the producer's rules, as broadcast live. */
export const LiveAlertSchema = z.strictObject({
  severity: z.enum(ALERT_SEVERITIES),
  message: z.string(),
  type: z.string(),
  details: z.record(z.string(), z.unknown()),
});
export type LiveAlert = z.output<typeof LiveAlertSchema>;

/** A persisted alert, as replayed in the connect burst. */
export const HydratedAlertSchema = z.strictObject({
  id: z.string().nullable(),
  title: z.string(),
  message: z.string(),
  severity: z.enum(ALERT_SEVERITIES),
  type: z.string(),
  timestamp: ZonedIsoDateTime,
});
export type HydratedAlert = z.output<typeof HydratedAlertSchema>;

export const AlertDataSchema = z.strictObject({ alerts: z.array(z.union([LiveAlertSchema, HydratedAlertSchema])) });
export type AlertData = z.output<typeof AlertDataSchema>;

/** A client-supplied alert (`dashboard_alert`): loose, but it must say something. */
export const AlertInputSchema = z
  .looseObject({
    id: z.string().nullish(),
    title: z.string().optional(),
    message: z.string().optional(),
    severity: z.string().optional(),
    type: z.string().optional(),
    timestamp: z.string().optional(),
  })
  .refine((a) => Boolean(a.message?.trim() || a.title?.trim()), { message: 'An alert needs a message or a title' });
export type AlertInput = z.output<typeof AlertInputSchema>;

/**
 * `dashboard_alert` data: several alerts as `{alerts: [...]}`, or one alert. An object with an
 * `alerts` member is always the batch form, so `{alerts: ["x"], message: "m"}` is refused rather
 * than read as one alert that carries a stray list.
 */
export const DashboardAlertDataSchema = z.union([
  z.looseObject({ alerts: z.array(AlertInputSchema) }),
  AlertInputSchema.refine((a) => !('alerts' in a), { message: 'alerts must be a list of alerts', path: ['alerts'] }),
]);
export type DashboardAlertData = z.output<typeof DashboardAlertDataSchema>;

/** The alerts a `dashboard_alert` carries, in order. */
export function alertInputsOf(data: DashboardAlertData): AlertInput[] {
  return 'alerts' in data && Array.isArray(data.alerts) ? (data.alerts as AlertInput[]) : [data as AlertInput];
}

function titleFromType(type: string): string {
  const words = type.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1).toLowerCase();
}

/**
 * Normalises an alert for storage the way the reference's `add_alert_entry` does: title
 * defaults to the type with `_` → space, capitalised; severity and type lower-cased (unknown
 * severities become `info`, the only ones the UI renders being the three known); a missing or
 * unreadable timestamp becomes now.
 */
export function hydrateAlert(input: AlertInput | LiveAlert, at: string = nowIso(), id: string | null = null): HydratedAlert {
  const type = (input.type ?? 'system').toLowerCase();
  const severity = (input.severity ?? 'info').toLowerCase();
  const raw = 'timestamp' in input ? input.timestamp : undefined;
  const timestamp = typeof raw === 'string' && ZonedIsoDateTime.safeParse(raw).success ? raw : at;
  const title = 'title' in input && typeof input.title === 'string' && input.title.trim() ? input.title : titleFromType(type);
  return {
    id: ('id' in input && typeof input.id === 'string' ? input.id : null) ?? id,
    title,
    message: input.message ?? title,
    severity: (ALERT_SEVERITIES as readonly string[]).includes(severity) ? (severity as AlertSeverity) : 'info',
    type,
    timestamp,
  };
}
