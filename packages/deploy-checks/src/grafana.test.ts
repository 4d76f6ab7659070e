/**
 * The Grafana provisioning and the ARCP dashboard: parses, points at the provisioned datasource,
 * covers connections, frames, fan-out latency, agents and auth failures, and queries only metric
 * names our code registers (scanned from the sources, plus prom-client's defaults). Each rule is
 * shown to fire on a broken copy.
 */
import { readFileSync } from 'node:fs';
import { type Dashboard, dashboardProblems } from './dashboard';
import { clone } from './k8s-types';
import { exportedMetricNames, promqlMetricNames, scanMetricNames } from './metric-names';
import { readYaml, repoPath } from './repo';

const dashboard = JSON.parse(readFileSync(repoPath('ops/grafana/dashboards/arcp.json'), 'utf8')) as Dashboard;
const datasources = readYaml<{ datasources: Array<{ uid: string; url: string }> }>(
  repoPath('ops/grafana/provisioning/datasources/prometheus.yml'),
);
const uids = datasources.datasources.map((d) => d.uid);
const exported = exportedMetricNames();

describe('metric name discovery', () => {
  it('finds the registrations in every form the code uses, and prom-client defaults', () => {
    const src = `new Gauge({ name: 'arcp_a', help: 'x' }); counter(registry, 'arcp_b_total', 'x'); const name = 'arcp_c_total';\nfoo = new Histogram({\n  name: 'arcp_d_seconds',`;
    expect(scanMetricNames(src)).toEqual(
      expect.arrayContaining([
        { name: 'arcp_a', histogram: false },
        { name: 'arcp_b_total', histogram: false },
        { name: 'arcp_c_total', histogram: false },
        { name: 'arcp_d_seconds', histogram: true },
      ]),
    );
    for (const name of [
      'arcp_gateway_connections',
      'arcp_gateway_fanout_duration_seconds_bucket',
      'arcp_registry_agents',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_p99_seconds',
    ]) {
      expect(exported.has(name)).toBe(true);
    }
    expect(exported.has('arcp_gateway_connections_bucket')).toBe(false);
  });

  it('reads series names out of PromQL, not functions, labels, durations or numbers', () => {
    expect(
      promqlMetricNames('histogram_quantile(0.99, sum by (le, channel) (rate(arcp_x_bucket{job=~"a|b"}[$__rate_interval]))) > 1e3'),
    ).toEqual(['arcp_x_bucket']);
    expect(promqlMetricNames('sum(up) / max(arcp_y offset 5m) and on (job) arcp_z')).toEqual(['up', 'arcp_y', 'arcp_z']);
  });
});

describe('Grafana', () => {
  it('provisions Prometheus at the compose service name', () => {
    expect(datasources.datasources).toEqual([expect.objectContaining({ uid: 'prometheus', url: 'http://prometheus:9090' })]);
  });

  it('loads dashboards from the folder compose mounts', () => {
    const provider = readYaml<{ providers: Array<{ options: { path: string } }> }>(
      repoPath('ops/grafana/provisioning/dashboards/arcp.yml'),
    );
    const compose = readFileSync(repoPath('docker-compose.yml'), 'utf8');
    expect(compose).toContain(`./ops/grafana/dashboards:${provider.providers[0]!.options.path}:ro`);
  });

  it('the ARCP dashboard passes every rule', () => {
    expect(dashboard.panels.length).toBeGreaterThan(10);
    expect(dashboardProblems(dashboard, uids, exported)).toEqual([]);
  });

  it.each<[string, (d: Dashboard) => void, RegExp]>([
    [
      'a misspelt metric',
      (d) => (d.panels[1]!.targets![0]!.expr = 'sum by (channel) (arcp_gateway_conections)'),
      /queries arcp_gateway_conections, which no service exports/,
    ],
    [
      'a histogram suffix on a gauge',
      (d) => (d.panels[1]!.targets![0]!.expr = 'arcp_gateway_connections_bucket'),
      /queries arcp_gateway_connections_bucket/,
    ],
    [
      'an unknown datasource',
      (d) => (d.panels[2]!.datasource = { type: 'prometheus', uid: 'prom' }),
      /uses datasource prom, not a provisioned one/,
    ],
    [
      'a query ignoring the variables',
      (d) => (d.panels[1]!.targets![0]!.expr = 'sum by (channel) (arcp_gateway_connections)'),
      /does not filter by \$job and \$instance/,
    ],
    [
      'a missing instance variable',
      (d) => (d.templating!.list = d.templating!.list.filter((v) => v.name !== 'instance')),
      /no query template variable "instance"/,
    ],
    [
      'a datasource variable defaulting elsewhere',
      (d) => (d.templating!.list[0]!.current = { value: 'prom' }),
      /datasource variable defaults to prom/,
    ],
    ['a duplicate panel id', (d) => (d.panels[3]!.id = d.panels[2]!.id), /panel id \d+ is used twice/],
    [
      'a missing required view',
      (d) => (d.panels = d.panels.filter((p) => !JSON.stringify(p).includes('fanout'))),
      /no panel shows fan-out latency/,
    ],
  ])('catches %s', (_name, breakIt, complaint) => {
    const d = clone(dashboard);
    breakIt(d);
    expect(dashboardProblems(d, uids, exported).join('\n')).toMatch(complaint);
  });
});
