/**
 * Policy rules for the observability and network extras: NetworkPolicies select real pods, name
 * ports those pods declare, and open the ops port and NATS only to listed peers (never to
 * everyone); a PrometheusRule carries exactly the alerts of ops/prometheus/alerts.yml (each with
 * its runbook section); a Grafana sidecar ConfigMap carries exactly ops/grafana's dashboard.
 */
import { readFileSync } from 'node:fs';
import type { RuleFile } from './dashboard';
import { type K8sObject, type LabelSelector, type Workload, isWorkload, ref, selects } from './k8s-types';
import { readYaml, repoPath } from './repo';
import { runbookProblems } from './runbook';

/** Ports that must never be open to every peer: the ops port and every NATS port. */
const RESTRICTED_PORTS = new Set(['ops', 'client', 'cluster', 'monitor', 9464, 4222, 6222, 8222]);

interface PolicyRule {
  from?: unknown[];
  ports?: Array<{ port?: number | string }>;
}

export interface ObservabilitySources {
  alerts: RuleFile;
  dashboard: string;
  runbook: string;
}

export function repoObservabilitySources(): ObservabilitySources {
  return {
    alerts: readYaml<RuleFile>(repoPath('ops/prometheus/alerts.yml')),
    dashboard: readFileSync(repoPath('ops/grafana/dashboards/arcp.json'), 'utf8'),
    runbook: readFileSync(repoPath('docs/runbook.md'), 'utf8'),
  };
}

function checkNetworkPolicies(objects: K8sObject[], out: string[]): void {
  for (const np of objects.filter((o) => o.kind === 'NetworkPolicy')) {
    const spec = (np.spec ?? {}) as { podSelector?: LabelSelector; ingress?: PolicyRule[] };
    const pods = objects.filter(isWorkload).filter((w) => selects(spec.podSelector, w.spec.template.metadata?.labels)) as Workload[];
    if (pods.length === 0) out.push(`${ref(np)}: podSelector matches no workload's pods`);
    const declared = new Set(
      pods.flatMap((w) => w.spec.template.spec.containers.flatMap((c) => (c.ports ?? []).flatMap((p) => [p.name, p.containerPort]))),
    );
    for (const rule of spec.ingress ?? []) {
      for (const p of rule.ports ?? []) {
        if (p.port !== undefined && !declared.has(p.port)) out.push(`${ref(np)}: port ${p.port} is not a port of the pods it selects`);
        if (p.port !== undefined && RESTRICTED_PORTS.has(p.port) && !rule.from?.length)
          out.push(`${ref(np)}: opens ${p.port} to every peer; list the release and Prometheus in \`from\``);
      }
      if (!rule.ports?.length && !rule.from?.length) out.push(`${ref(np)}: a rule without ports or from admits everything`);
    }
  }
}

/** JSON with object keys sorted: kustomize may reorder keys, which changes nothing. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Names of the rules that differ between two rule files (missing on one side included). */
function ruleDifferences(a: RuleFile, b: RuleFile): string[] {
  const byName = (f: RuleFile) =>
    new Map((f.groups ?? []).flatMap((g) => g.rules.map((r) => [`${g.name}/${r.alert ?? r.record}`, canonical(r)] as const)));
  const [left, right] = [byName(a), byName(b)];
  const names = new Set([...left.keys(), ...right.keys()]);
  return [...names].filter((n) => left.get(n) !== right.get(n));
}

function checkPrometheusRules(objects: K8sObject[], src: ObservabilitySources, out: string[]): void {
  for (const pr of objects.filter((o) => o.kind === 'PrometheusRule')) {
    const spec = (pr.spec ?? {}) as RuleFile;
    const differing = ruleDifferences(spec, src.alerts);
    if (differing.length) out.push(`${ref(pr)}: differs from ops/prometheus/alerts.yml in ${differing.join(', ')} (run \`pnpm k8s:sync\`)`);
    for (const problem of runbookProblems(spec, src.runbook)) out.push(`${ref(pr)}: ${problem}`);
  }
}

function checkDashboards(objects: K8sObject[], src: ObservabilitySources, out: string[]): void {
  for (const cm of objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.grafana_dashboard !== undefined)) {
    if (cm.metadata.labels?.grafana_dashboard !== '1') out.push(`${ref(cm)}: the Grafana sidecar looks for grafana_dashboard: "1"`);
    const files = Object.entries(cm.data ?? {});
    if (files.length === 0) out.push(`${ref(cm)}: no dashboard in it`);
    for (const [name, text] of files) {
      if (text !== src.dashboard) out.push(`${ref(cm)}: ${name} differs from ops/grafana/dashboards/arcp.json (run \`pnpm k8s:sync\`)`);
    }
  }
}

export function checkObservability(objects: K8sObject[], src: ObservabilitySources = repoObservabilitySources()): string[] {
  const out: string[] = [];
  checkNetworkPolicies(objects, out);
  checkPrometheusRules(objects, src, out);
  checkDashboards(objects, src, out);
  return out;
}
