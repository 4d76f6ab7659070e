/**
 * prom-client gauges and counters on the process registry from service-kit, created once per
 * registry: the standalone process hosts this service next to others on one registry, and a
 * second `createMetricsService` on it must reuse the metrics, not throw on a duplicate name.
 */
import { Counter, Gauge, type Registry } from 'prom-client';

function existing<M>(registry: Registry, name: string, kind: abstract new (...args: never[]) => M): M | undefined {
  const found = registry.getSingleMetric(name);
  if (found === undefined) return undefined;
  if (!(found instanceof kind)) throw new Error(`metric ${name} is already registered with another type`);
  return found;
}

export function gauge<L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
  return existing<Gauge<L>>(registry, name, Gauge) ?? new Gauge({ name, help, labelNames, registers: [registry] });
}

export function counter<L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
  return existing<Counter<L>>(registry, name, Counter) ?? new Counter({ name, help, labelNames, registers: [registry] });
}
