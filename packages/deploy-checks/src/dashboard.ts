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

export interface TemplateVariable {
  name: string;
  type: string;
  query?: string | { query?: string };
  current?: { value?: string | string[] };
}

export interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating?: { list: TemplateVariable[] };
}

/** Template variables every view filters by: the data source, then the service and its replicas. */
export const REQUIRED_VARIABLES: Record<string, string> = { datasource: 'datasource', job: 'query', instance: 'query' };

/** Problems of the template variables; `uids` gains the data source variable when it defaults to a provisioned one. */
function variableProblems(d: Dashboard, datasourceUids: readonly string[], out: string[]): string[] {
  const vars = d.templating?.list ?? [];
  for (const [name, type] of Object.entries(REQUIRED_VARIABLES)) {
    if (!vars.some((v) => v.name === name && v.type === type)) out.push(`no ${type} template variable "${name}"`);
  }
  const ds = vars.find((v) => v.name === 'datasource' && v.type === 'datasource');
  if (!ds) return [...datasourceUids];
  if (ds.query !== 'prometheus') out.push('the datasource variable must list Prometheus data sources');
  if (!datasourceUids.includes(String(ds.current?.value ?? '')))
    out.push(`the datasource variable defaults to ${String(ds.current?.value)}, not a provisioned one`);
  return [...datasourceUids, '${datasource}'];
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
  const usable = variableProblems(d, datasourceUids, out);
  const ids = new Set<number>();
  for (const p of d.panels ?? []) {
    if (ids.has(p.id)) out.push(`panel id ${p.id} is used twice`);
    ids.add(p.id);
    if (p.type === 'row') continue;
    if (!p.targets?.length) out.push(`panel "${p.title}" has no query`);
    for (const uid of [p.datasource?.uid, ...(p.targets ?? []).map((t) => t.datasource?.uid)]) {
      if (!uid || !usable.includes(uid)) out.push(`panel "${p.title}" uses datasource ${uid ?? '(none)'}, not a provisioned one`);
    }
    for (const t of p.targets ?? []) {
      for (const name of unknownMetrics(t.expr ?? '', exported)) out.push(`panel "${p.title}" queries ${name}, which no service exports`);
      if (!/job=~"\$job"/.test(t.expr ?? '') || !/instance=~"\$instance"/.test(t.expr ?? ''))
        out.push(`panel "${p.title}" does not filter by $job and $instance`);
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
