/**
 * HTTP request metrics, created once per registry so several services mounted on one app (the
 * standalone process) share the series and differ by the `service` label.
 */
import { Counter, Histogram, type Registry } from 'prom-client';
import { perRegistry } from '../metrics';

/** Running totals since start, read by the telemetry beat (cheaper than scanning the histogram). */
export interface HttpTotals {
  requests: number;
  /** Responses with a 5xx status. */
  errors: number;
  durationSumS: number;
}

export interface HttpMetrics {
  readonly duration: Histogram<'service' | 'route' | 'method' | 'status_code'>;
  readonly requests: Counter<'service' | 'route' | 'method' | 'status_code'>;
  readonly totals: HttpTotals;
  /** Records one answered request in the series and the totals. */
  record(labels: { service: string; route: string; method: string; status_code: string }, seconds: number): void;
}

const LABELS = ['service', 'route', 'method', 'status_code'] as const;

export const httpMetrics = perRegistry((registry: Registry): HttpMetrics => {
  const totals: HttpTotals = { requests: 0, errors: 0, durationSumS: 0 };
  const duration = new Histogram({
    name: 'arcp_http_request_duration_seconds',
    help: 'HTTP request duration by route template',
    labelNames: LABELS,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const requests = new Counter({
    name: 'arcp_http_requests_total',
    help: 'HTTP requests by route template and status',
    labelNames: LABELS,
    registers: [registry],
  });
  return {
    duration,
    requests,
    totals,
    record(labels, seconds) {
      requests.inc(labels);
      duration.observe(labels, seconds);
      totals.requests += 1;
      totals.durationSumS += seconds;
      if (labels.status_code.startsWith('5')) totals.errors += 1;
    },
  };
});
