/**
 * Labelled gauges and counters registered on the process registry from service-kit. This
 * package does not depend on prom-client itself, so it registers collectors that speak the
 * registry's metric interface (`name`, `help`, `type`, `get()`), with bounded label values only.
 */
import { type ServiceMetrics } from '@arcp/service-kit';

type Labels = Record<string, string>;

export class LabelledMetric {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  readonly aggregator = 'sum';

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'gauge' | 'counter',
  ) {}

  set(labels: Labels, value: number): void {
    this.values.set(JSON.stringify(labels), { labels, value });
  }

  inc(labels: Labels = {}, by = 1): void {
    const key = JSON.stringify(labels);
    this.values.set(key, { labels, value: (this.values.get(key)?.value ?? 0) + by });
  }

  value(labels: Labels = {}): number {
    return this.values.get(JSON.stringify(labels))?.value ?? 0;
  }

  /** Drops every series, for gauges whose label set is recomputed as a whole. */
  reset(): void {
    this.values.clear();
  }

  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: { labels: Labels; value: number }[] }> {
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values: [...this.values.values()] };
  }
}

export function registerMetric(metrics: ServiceMetrics, metric: LabelledMetric): LabelledMetric {
  // The registry only calls name/help/type/get/reset; its declared type is prom-client's class.
  metrics.registry.registerMetric(metric as unknown as Parameters<ServiceMetrics['registry']['registerMetric']>[0]);
  return metric;
}
