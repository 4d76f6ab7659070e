/**
 * @arcp/metrics: the dashboard's data plane (telemetry and log ingestion, periodic frames from
 * one elected producer, dashboard commands) and the telemetry beat every service publishes.
 */
export { createMetricsService, PRODUCER_LEASE_KEY, type MetricsService, type MetricsServiceDeps } from './service';
export { MetricsEnv, type MetricsConfig } from './config';
export { startTelemetryPublisher, type TelemetryPublisher, type TelemetryPublisherOptions, type TelemetryCounters } from './telemetry/publisher';
