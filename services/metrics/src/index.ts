/**
 * @arcp/metrics: the dashboard's data plane (telemetry and log ingestion, periodic frames from
 * one elected producer, dashboard commands). The telemetry beat itself is service-kit's.
 */
export { createMetricsService, PRODUCER_LEASE_KEY, type MetricsService, type MetricsServiceDeps } from './service';
export { MetricsEnv, type MetricsConfig } from './config';
