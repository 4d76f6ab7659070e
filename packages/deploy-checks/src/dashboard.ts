/**
 * Grafana checks: the provisioned dashboard parses, uses the provisioned datasource, has unique
 * panel ids, covers what operators look at first, and queries only series our services export;
 * the provisioning points at the folder compose mounts. Alert rules get the same metric check.
 */
import { unknownMetrics } from './metric-names';

export interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  targets?: Array<{ expr?: string; datasource?: { uid?: string } }>;
}

export interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
}

/** What the dashboard must show (issue "Deployment"): a series each, by the metric it reads. */
export const REQUIRED_SERIES: Record<string, string> = {
  'connections per channel': 'arcp_gateway_connections',
  'frames per second': 'arcp_gateway_messages_sent_total',
  'fan-out latency': 'arcp_gateway_fanout_duration_seconds_bucket',
  'agents alive/dead': 'arcp_cluster_agents',
  'auth failures': 'arcp_gateway_auth_failures_total',
};

export function dashboardProblems(d: Dashboard, datasourceUids: readonly string[], exported: ReadonlySet<string>): string[] {
  const out: string[] = [];
  if (!d.uid || !d.title) out.push('dashboard needs a uid and a title');
  const ids = new Set<number>();
  for (const p of d.panels ?? []) {
    if (ids.has(p.id)) out.push(`panel id ${p.id} is used twice`);
    ids.add(p.id);
    if (p.type === 'row') continue;
    if (!p.targets?.length) out.push(`panel "${p.title}" has no query`);
    for (const uid of [p.datasource?.uid, ...(p.targets ?? []).map((t) => t.datasource?.uid)]) {
      if (!uid || !datasourceUids.includes(uid)) out.push(`panel "${p.title}" uses datasource ${uid ?? '(none)'}, not a provisioned one`);
    }
    for (const t of p.targets ?? []) {
      for (const name of unknownMetrics(t.expr ?? '', exported)) out.push(`panel "${p.title}" queries ${name}, which no service exports`);
    }
  }
  const exprs = (d.panels ?? []).flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? '')).join('\n');
  for (const [what, series] of Object.entries(REQUIRED_SERIES)) {
    if (!new RegExp(`\\b${series}\\b`).test(exprs)) out.push(`no panel shows ${what} (${series})`);
  }
  return out;
}

export interface RuleFile {
  groups: Array<{ name: string; rules: Array<{ alert?: string; record?: string; expr: string }> }>;
}

export function ruleMetricProblems(rules: RuleFile, exported: ReadonlySet<string>): string[] {
  return rules.groups.flatMap((g) =>
    g.rules.flatMap((r) => unknownMetrics(r.expr, exported).map((n) => `rule ${r.alert ?? r.record}: ${n} is not exported by any service`)),
  );
}
