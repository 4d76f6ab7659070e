/**
 * Every kustomization renders offline (`kubectl kustomize`): k8s/ (= dev), each overlay, and each
 * overlay with each optional component and with all of them. Every render passes the Kubernetes
 * schemas and the policies. kubectl is not a Debian package, so without it these skip with a
 * message even under CI (the base is still checked by k8s-policy.test.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { checkPolicies } from './k8s-policy';
import { schemaProblems } from './k8s-schema';
import type { K8sObject, Workload } from './k8s-types';
import { K8S, components, kustomize, kustomizeWith, overlays } from './kustomize';
import { exportedMetricNames } from './metric-names';
import { describeWithTool } from './repo';

const KUBECTL = { requiredInCi: false, install: 'kubectl is not in Debian bookworm: install the Kubernetes release binary to run these' };

/** Secrets the operator creates before applying an overlay (documented in docs/deployment.md). */
const EXTERNAL_SECRETS: Record<string, string[]> = { prod: ['arcp-secrets'] };

describeWithTool('kubectl', KUBECTL, 'kustomize renders', (kubectl) => {
  const variants: Array<{ name: string; overlay: string; components: string[] }> = [{ name: 'k8s/', overlay: 'dev', components: [] }];
  for (const overlay of overlays()) {
    variants.push({ name: `overlays/${overlay}`, overlay, components: [] });
    for (const c of components()) variants.push({ name: `overlays/${overlay} + ${c}`, overlay, components: [c] });
    variants.push({ name: `overlays/${overlay} + all components`, overlay, components: components() });
  }
  const renders = new Map<string, K8sObject[]>();
  let schema: Record<string, string[]> = {};
  beforeAll(() => {
    for (const v of variants) {
      const objects =
        v.name === 'k8s/'
          ? kustomize(kubectl, K8S)
          : v.components.length
            ? kustomizeWith(kubectl, v.overlay, v.components)
            : kustomize(kubectl, join(K8S, 'overlays', v.overlay));
      renders.set(v.name, objects);
    }
    schema = schemaProblems(Object.fromEntries(renders));
  }, 60_000);

  it.each(variants.map((v) => [v.name, v] as const))('%s passes the schemas and every policy', (name, v) => {
    const objects = renders.get(name)!;
    expect(objects.length).toBeGreaterThan(20);
    expect(schema[name]).toEqual([]);
    expect(checkPolicies(objects, { externalSecrets: EXTERNAL_SECRETS[v.overlay] ?? [], exportedMetrics: exportedMetricNames() })).toEqual(
      [],
    );
  });

  it('k8s/ is the dev overlay', () => {
    expect(renders.get('k8s/')).toEqual(renders.get('overlays/dev'));
  });

  it('prod runs a three-node NATS cluster, one per node, with three copies of every bucket, expects the operator Secret and serves TLS', () => {
    const prod = renders.get('overlays/prod')!;
    const nats = prod.find((o) => o.kind === 'StatefulSet') as Workload;
    expect(nats.spec.replicas).toBe(3);
    expect(nats.spec.template.spec.containers[0]!.args).toEqual(expect.arrayContaining(['--cluster_name', '--routes']));
    expect(JSON.stringify(nats.spec.template.spec)).toContain('"podAntiAffinity"');
    const config = prod.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('arcp-config'))!;
    expect(config.data).toMatchObject({ NATS_REPLICAS: '3', NATS_URL: expect.stringContaining('nats-2.nats-headless') });
    expect(prod.some((o) => o.kind === 'Secret')).toBe(false);
    expect(JSON.stringify(prod.find((o) => o.kind === 'Ingress'))).toContain('"secretName":"arcp-tls"');
    // Without the operator's Secret listed as external, the policy reports the dangling reference.
    expect(checkPolicies(prod).join('\n')).toMatch(/reads Secret arcp-secrets, which does not exist/);
  });

  it('the components add a PodMonitor and a connections metric to each gateway autoscaler', () => {
    const all = renders.get('overlays/prod + all components')!;
    expect(all.filter((o) => o.kind === 'PodMonitor').map((o) => o.metadata.namespace)).toEqual(['arcp']);
    const hpas = all.filter((o) => o.kind === 'HorizontalPodAutoscaler');
    expect(hpas).toHaveLength(3);
    for (const hpa of hpas) expect(JSON.stringify(hpa.spec)).toContain('"name":"arcp_gateway_connections"');
  });

  it('the observability components add NetworkPolicies, the PrometheusRule and the dashboard ConfigMap, in the namespace', () => {
    const all = renders.get('overlays/prod + all components')!;
    expect(all.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name)).toEqual(['arcp-nats', 'arcp-services']);
    const rule = all.find((o) => o.kind === 'PrometheusRule')!;
    expect(rule.metadata.namespace).toBe('arcp');
    expect(JSON.stringify(rule.spec)).toContain('runbook_url');
    const dashboard = all.find((o) => o.kind === 'ConfigMap' && o.metadata.labels?.grafana_dashboard === '1')!;
    expect(dashboard.metadata.name).toBe('arcp-grafana-dashboard');
    expect(Object.keys(dashboard.data ?? {})).toEqual(['arcp.json']);
  });

  it('fails on a kustomization that does not build', () => {
    const dir = mkdtempSync(join(tmpdir(), 'arcp-kustomize-bad-'));
    try {
      const patch = '- { op: replace, path: /spec/template/spec/nope/0, value: 1 }';
      writeFileSync(
        join(dir, 'kustomization.yaml'),
        `resources: [${relative(dir, join(K8S, 'base'))}]\npatches:\n  - target: { kind: Deployment, name: registry }\n    patch: "${patch}"\n`,
      );
      expect(() => kustomize(kubectl, dir)).toThrow(/kubectl kustomize .* failed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
