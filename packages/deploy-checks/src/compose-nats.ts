/**
 * The opt-in NATS cluster override (docker-compose.nats-cluster.yml) checked as compose applies
 * it: merged over docker-compose.yml (maps merged key by key, lists such as `command` replaced),
 * the result must still pass the base policy and form a JetStream cluster that survives a node:
 * three or more nats services with their own names, one cluster name, routes to every node and
 * a volume each; every app service given every node's URL, three copies (NATS_REPLICAS) and a
 * start after every node is healthy.
 */
import { type ComposeFile, type ComposeService, appServices } from './compose';

type Doc = Record<string, unknown>;

const isMap = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Compose's merge of an override file for the keys used here: maps merge, everything else is replaced. */
export function mergeCompose<T>(base: T, override: unknown): T {
  if (!isMap(base) || !isMap(override)) return (override === undefined ? base : override) as T;
  const out: Doc = { ...base };
  for (const [key, value] of Object.entries(override)) out[key] = key in base ? mergeCompose(base[key], value) : value;
  return out as T;
}

type Command = string[];
const flag = (cmd: Command, name: string): string | undefined => {
  const i = cmd.indexOf(name);
  return i >= 0 ? cmd[i + 1] : undefined;
};

/** The services that run nats-server. */
export const natsServices = (c: ComposeFile): string[] => Object.keys(c.services).filter((n) => c.services[n]!.image?.startsWith('nats:'));

export function natsClusterPolicy(c: ComposeFile): string[] {
  const out: string[] = [];
  const nodes = natsServices(c);
  if (nodes.length < 3) out.push(`${nodes.length} nats services: a cluster that survives the loss of one needs three`);
  const names = new Set<string>();
  const clusters = new Set<string | undefined>();
  const volumes = new Set<string>();
  for (const node of nodes) {
    const s = c.services[node]! as ComposeService & { command?: Command };
    const cmd = s.command ?? [];
    const name = flag(cmd, '--server_name');
    if (!name || names.has(name)) out.push(`${node}: needs its own --server_name`);
    if (name) names.add(name);
    clusters.add(flag(cmd, '--cluster_name'));
    if (!flag(cmd, '--cluster')?.endsWith(':6222')) out.push(`${node}: needs a route listener (--cluster nats://0.0.0.0:6222)`);
    const routes = (flag(cmd, '--routes') ?? '').split(',');
    for (const peer of nodes)
      if (!routes.includes(`nats://${peer}:6222`)) out.push(`${node}: --routes must name every node; nats://${peer}:6222 is missing`);
    if (!s.healthcheck?.test?.join(' ').includes('/healthz')) out.push(`${node}: needs a healthcheck on /healthz`);
    const data = (s.volumes ?? []).find((v) => v.endsWith(':/data'))?.split(':')[0];
    if (!data || volumes.has(data)) out.push(`${node}: needs a volume of its own on /data`);
    else if (!c.volumes || !(data in c.volumes)) out.push(`${node}: volume ${data} is not declared`);
    if (data) volumes.add(data);
  }
  if (clusters.size !== 1 || clusters.has(undefined))
    out.push(`the nats services must share one --cluster_name (got ${[...clusters].join(', ')})`);
  for (const app of appServices(c)) {
    const s = c.services[app]!;
    const urls = String(s.environment?.NATS_URL ?? '').split(',');
    for (const node of nodes)
      if (!urls.includes(`nats://${node}:4222`)) out.push(`${app}: NATS_URL must list every node; nats://${node}:4222 is missing`);
    if (String(s.environment?.NATS_REPLICAS) !== '3')
      out.push(`${app}: NATS_REPLICAS must be "3" (three copies of every bucket and stream)`);
    const deps = s.depends_on && !Array.isArray(s.depends_on) ? s.depends_on : {};
    for (const node of nodes)
      if (deps[node]?.condition !== 'service_healthy')
        out.push(`${app}: must start after ${node} is healthy (three-replica buckets need three servers)`);
  }
  return out;
}
