import { Counter, Registry } from 'prom-client';
import { createMetricsRegistry, perRegistry } from './metrics';

describe('createMetricsRegistry', () => {
  it('exposes build info and unprefixed default metrics', async () => {
    const { registry } = createMetricsRegistry({ service: 'registry', version: '1.2.3' });
    const text = await registry.metrics();
    expect(text).toContain('arcp_build_info{service="registry",version="1.2.3"} 1');
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
  });

  it('keeps registries independent', async () => {
    const a = createMetricsRegistry({ service: 'a', version: '1' });
    const b = createMetricsRegistry({ service: 'b', version: '1' });
    a.busHandlerErrors.inc({ engine: 'memory' });
    expect(await a.registry.getSingleMetricAsString('arcp_bus_handler_errors_total')).toContain(
      'arcp_bus_handler_errors_total{engine="memory"} 1',
    );
    expect(await b.registry.getSingleMetricAsString('arcp_bus_handler_errors_total')).not.toContain('engine="memory"');
  });

  it('names every arcp metric arcp_<subsystem>_<name>, counters ending in _total', async () => {
    const { registry } = createMetricsRegistry({ service: 's', version: '0' });
    const metrics = await registry.getMetricsAsJSON();
    for (const m of metrics.filter((x) => x.name.startsWith('arcp_'))) {
      expect(m.name).toMatch(/^arcp_[a-z]+_[a-z_]+$/);
      if (String(m.type) === 'counter') expect(m.name).toMatch(/_total$/);
    }
  });
});

describe('perRegistry', () => {
  it('creates once per registry and shares the result, separately for each registry', () => {
    let made = 0;
    const series = perRegistry((registry: Registry) => {
      made++;
      return new Counter({ name: 'arcp_test_made_total', help: 'test', registers: [registry] });
    });
    const a = new Registry();
    const b = new Registry();
    expect(series(a)).toBe(series(a));
    expect(series(b)).not.toBe(series(a));
    expect(made).toBe(2);
  });
});
