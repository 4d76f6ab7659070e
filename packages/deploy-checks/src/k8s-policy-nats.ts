/**
 * Policy rules for NATS, the one stateful part: a StatefulSet `nats` of more than one server
 * must be a JetStream cluster that survives the loss of a node (each pod named, routes to every
 * pod, never two pods on one node, a disruption budget that keeps a majority up), and the
 * services on it must keep as many copies of their data as it can hold (NATS_REPLICAS, or its
 * default from the number of NATS_URL entries: 3 for three or more, else 1). On one server, no
 * service may ask for more than one copy (it could not create its buckets).
 */
import { containerEnv } from './k8s-policy-pods';
import { type K8sObject, type LabelSelector, type Workload, isWorkload, ref, selects } from './k8s-types';

interface Affinity {
  podAntiAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: Array<{ topologyKey?: string; labelSelector?: LabelSelector }> };
}

/** The value following `flag` in an argument list. */
function argValue(args: readonly string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

/** Copies a service keeps with these settings (the bus's rule when NATS_REPLICAS is unset). */
export function effectiveReplicas(env: Record<string, string>): number {
  if (env.NATS_REPLICAS !== undefined && env.NATS_REPLICAS.trim() !== '') return Number(env.NATS_REPLICAS);
  const urls = (env.NATS_URL ?? '').split(',').filter((u) => u.trim() !== '');
  return urls.length >= 3 ? 3 : 1;
}

function checkClusterShape(nats: Workload, objects: K8sObject[], out: string[]): void {
  const servers = nats.spec.replicas ?? 1;
  const at = ref(nats);
  const args = nats.spec.template.spec.containers[0]?.args ?? [];
  if (argValue(args, '--server_name') !== '$(POD_NAME)') out.push(`${at}: each server needs its own name (--server_name $(POD_NAME))`);
  if (!argValue(args, '--cluster_name')) out.push(`${at}: ${servers} servers need --cluster_name to form one JetStream cluster`);
  if (!argValue(args, '--cluster')?.endsWith(':6222')) out.push(`${at}: the servers need a route listener (--cluster nats://0.0.0.0:6222)`);
  const routes = (argValue(args, '--routes') ?? '').split(',');
  for (let i = 0; i < servers; i++) {
    const route = `nats://${nats.metadata.name}-${i}.${nats.spec.serviceName}:6222`;
    if (!routes.includes(route)) out.push(`${at}: --routes must name every server; ${route} is missing`);
  }
  const labels = nats.spec.template.metadata?.labels;
  const affinity = (nats.spec.template.spec as { affinity?: Affinity }).affinity;
  const spread = affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.some(
    (t) => t.topologyKey === 'kubernetes.io/hostname' && selects(t.labelSelector, labels),
  );
  if (!spread) out.push(`${at}: needs a required pod anti-affinity on kubernetes.io/hostname (two servers on one node fall together)`);
  const majority = Math.floor(servers / 2) + 1;
  const budgets = objects.filter(
    (o) => o.kind === 'PodDisruptionBudget' && selects((o.spec as { selector?: LabelSelector }).selector, labels),
  );
  const keepsMajority = budgets.some((b) => {
    const s = b.spec as { maxUnavailable?: number; minAvailable?: number };
    return (
      (s.maxUnavailable !== undefined && s.maxUnavailable <= servers - majority) ||
      (s.minAvailable !== undefined && s.minAvailable >= majority)
    );
  });
  if (!keepsMajority) out.push(`${at}: needs a PodDisruptionBudget that keeps ${majority} of ${servers} servers up (a JetStream quorum)`);
}

export function checkNats(objects: K8sObject[]): string[] {
  const out: string[] = [];
  const nats = objects.find((o): o is Workload => o.kind === 'StatefulSet' && o.metadata.name === 'nats' && isWorkload(o));
  if (!nats) return out;
  const servers = nats.spec.replicas ?? 1;
  if (servers > 1) checkClusterShape(nats, objects, out);
  const wanted = Math.min(3, servers);
  for (const w of objects.filter(isWorkload).filter((x) => x !== nats)) {
    for (const c of w.spec.template.spec.containers) {
      const env = containerEnv(c, objects);
      if (env.NATS_URL === undefined) continue;
      const copies = effectiveReplicas(env);
      if (copies > servers)
        out.push(`${ref(w)}: NATS_REPLICAS ${copies} is more than the ${servers} NATS server(s): its buckets cannot be created`);
      else if (copies < wanted)
        out.push(
          `${ref(w)}: keeps ${copies} copy of its data on a ${servers}-server NATS cluster: set NATS_REPLICAS=${wanted} (or list every server in NATS_URL)`,
        );
    }
  }
  return out;
}
