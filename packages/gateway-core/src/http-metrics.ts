/**
 * HTTP request metrics, created once per registry so several services mounted on one app (the
 * standalone process) share the series and differ by the `service` label.
 */
import { Counter, Histogram, type Registry } from 'prom-client';

export interface HttpMetrics {
  readonly duration: Histogram<'service' | 'route' | 'method' | 'status_code'>;
  readonly requests: Counter<'service' | 'route' | 'method' | 'status_code'>;
}

const LABELS = ['service', 'route', 'method', 'status_code'] as const;
const byRegistry = new WeakMap<Registry, HttpMetrics>();

export function httpMetrics(registry: Registry): HttpMetrics {
  let m = byRegistry.get(registry);
  if (!m) {
    m = {
      duration: new Histogram({
        name: 'arcp_http_request_duration_seconds',
        help: 'HTTP request duration by route template',
        labelNames: LABELS,
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
        registers: [registry],
      }),
      requests: new Counter({
        name: 'arcp_http_requests_total',
        help: 'HTTP requests by route template and status',
        labelNames: LABELS,
        registers: [registry],
      }),
    };
    byRegistry.set(registry, m);
  }
  return m;
}
