/**
 * The observability and network components, read from their files (no kubectl needed): they
 * pass the rules, the generated copies match their sources, and each rule fails on a broken copy.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkObservability, repoObservabilitySources } from './k8s-policy-observability';
import { clone, type K8sObject } from './k8s-types';
import { parseYamlDocs, readYaml, repoPath } from './repo';

const base = readdirSync(repoPath('k8s/base'))
  .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
  .flatMap((f) => parseYamlDocs<K8sObject>(readFileSync(repoPath(join('k8s/base', f)), 'utf8')));
const policies = parseYamlDocs<K8sObject>(readFileSync(repoPath('k8s/components/network-policy/network-policy.yaml'), 'utf8'));
const rule = readYaml<K8sObject>(repoPath('k8s/components/prometheus-rules/prometheus-rule.yaml'));
const dashboardText = readFileSync(repoPath('k8s/components/grafana-dashboard/arcp.json'), 'utf8');
const dashboardMap: K8sObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'arcp-grafana-dashboard', labels: { grafana_dashboard: '1' } },
  data: { 'arcp.json': dashboardText },
};
const all = [...base, ...policies, rule, dashboardMap];
const src = repoObservabilitySources();

describe('observability and network components', () => {
  it('pass every rule', () => {
    expect(policies.map((p) => p.metadata.name)).toEqual(['arcp-services', 'arcp-nats']);
    expect(checkObservability(all, src)).toEqual([]);
  });

  it('keep the ops port and NATS to the release and Prometheus', () => {
    const text = JSON.stringify(policies);
    expect(text).toContain('"kubernetes.io/metadata.name":"monitoring"');
    const nats = policies.find((p) => p.metadata.name === 'arcp-nats')!;
    expect(JSON.stringify(nats)).toContain('"app.kubernetes.io/part-of":"arcp"');
  });

  it('catch a policy opening the ops port to everyone, a port the pods lack, and a selector matching nothing', () => {
    const broken = clone(policies);
    const services = broken[0]!.spec as { ingress: Array<{ from?: unknown[]; ports?: Array<{ port: string }> }>; podSelector: unknown };
    services.ingress[0]!.ports!.push({ port: 'ops' }, { port: 'grpc' });
    (broken[1]!.spec as { podSelector: unknown }).podSelector = { matchLabels: { 'app.kubernetes.io/name': 'nats-typo' } };
    expect(checkObservability([...base, ...broken], src)).toEqual([
      'NetworkPolicy/arcp-services: opens ops to every peer; list the release and Prometheus in `from`',
      'NetworkPolicy/arcp-services: port grpc is not a port of the pods it selects',
      "NetworkPolicy/arcp-nats: podSelector matches no workload's pods",
      'NetworkPolicy/arcp-nats: port client is not a port of the pods it selects',
      'NetworkPolicy/arcp-nats: port cluster is not a port of the pods it selects',
      'NetworkPolicy/arcp-nats: port monitor is not a port of the pods it selects',
      'NetworkPolicy/arcp-nats: port monitor is not a port of the pods it selects',
    ]);
  });

  it('catch a PrometheusRule drifting from alerts.yml and a dashboard copy drifting from ops/grafana', () => {
    const drifted = clone(rule);
    (drifted.spec as { groups: Array<{ rules: Array<{ for?: string }> }> }).groups[0]!.rules[0]!.for = '10m';
    const stale = { ...dashboardMap, data: { 'arcp.json': dashboardText.replace('"ARCP realtime"', '"ARCP"') } };
    expect(checkObservability([...base, drifted, stale], src)).toEqual([
      'PrometheusRule/arcp: differs from ops/prometheus/alerts.yml in arcp/ArcpTargetDown (run `pnpm k8s:sync`)',
      'ConfigMap/arcp-grafana-dashboard: arcp.json differs from ops/grafana/dashboards/arcp.json (run `pnpm k8s:sync`)',
    ]);
    const unlabelled = { ...dashboardMap, metadata: { ...dashboardMap.metadata, labels: { grafana_dashboard: 'true' } } };
    expect(checkObservability([...base, unlabelled], src)).toEqual([
      'ConfigMap/arcp-grafana-dashboard: the Grafana sidecar looks for grafana_dashboard: "1"',
    ]);
  });
});
