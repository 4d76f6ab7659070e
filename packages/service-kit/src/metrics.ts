/**
 * One Prometheus registry per process: Node's default metrics (unprefixed, so stock dashboards
 * work), `arcp_build_info`, and the few counters every service shares. Service metrics follow
 * `arcp_<subsystem>_<name>_<unit>[_total]` with bounded labels only (never ids or addresses).
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';

export interface MetricsOptions {
  service: string;
  version: string;
}

export interface ServiceMetrics {
  readonly registry: Registry;
  /** Errors thrown by bus subscription/watch callbacks; wire to the bus `onHandlerError` hook. */
  readonly busHandlerErrors: Counter<'engine'>;
  /** 1 while the bus is connected, 0 while reconnecting or closed; services set it from status(). */
  readonly busConnected: Gauge;
}

export function createMetricsRegistry(opts: MetricsOptions): ServiceMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const buildInfo = new Gauge({
    name: 'arcp_build_info',
    help: 'Constant 1, labelled with the service name and version.',
    labelNames: ['service', 'version'] as const,
    registers: [registry],
  });
  buildInfo.set({ service: opts.service, version: opts.version }, 1);
  const busHandlerErrors = new Counter({
    name: 'arcp_bus_handler_errors_total',
    help: 'Errors thrown by bus subscription and KV watch callbacks (caught, delivery continues).',
    labelNames: ['engine'] as const,
    registers: [registry],
  });
  const busConnected = new Gauge({
    name: 'arcp_bus_connected',
    help: '1 while the message bus is connected, 0 otherwise.',
    registers: [registry],
  });
  return { registry, busHandlerErrors, busConnected };
}

/**
 * The one way to create a set of series once per registry: `create` runs on the first call for a
 * registry and its result is returned on every later call. Parts that are mounted several times
 * on one registry (the three channels, or every service of the standalone process) share their
 * series this way instead of failing on a duplicate registration.
 */
export function perRegistry<T>(create: (registry: Registry) => T): (registry: Registry) => T {
  const made = new WeakMap<Registry, T>();
  return (registry) => {
    let value = made.get(registry);
    if (value === undefined) {
      value = create(registry);
      made.set(registry, value);
    }
    return value;
  };
}
