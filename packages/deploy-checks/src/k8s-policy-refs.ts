/**
 * Policy rules across objects: Services, PodDisruptionBudgets and PodMonitors select real pods
 * and name ports those pods declare; HPAs target existing workloads (which then leave
 * `replicas` to them) with the agreed CPU metric and scale-down calm; the Ingress routes the
 * channel paths to the right Services (whose pods trust its X-Forwarded-For); referenced ConfigMaps/Secrets exist (or are documented
 * as created by the operator); everything sits in the overlay's one namespace.
 */
import { containerEnv } from './k8s-policy-pods';
import { type K8sObject, type LabelSelector, type Workload, isWorkload, ref, selects } from './k8s-types';

export interface RefOptions {
  /** Secrets the operator creates outside the render (prod: arcp-secrets). */
  externalSecrets?: readonly string[];
  /** Metric names the services export (HPA Pods metrics must use one of them). */
  exportedMetrics?: ReadonlySet<string>;
}

type Spec = Record<string, unknown>;
const specOf = (o: K8sObject) => (o.spec ?? {}) as Spec;

const CHANNEL_PATHS: Record<string, string> = {
  '/public/ws': 'gateway-public',
  '/agents/ws': 'gateway-agents',
  '/dashboard/ws': 'gateway-dashboard',
};
const CAP_VAR: Record<string, string> = {
  'gateway-public': 'PUBLIC_WS_MAX_CONNECTIONS',
  'gateway-agents': 'AGENT_WS_MAX_CONNECTIONS',
  'gateway-dashboard': 'DASHBOARD_WS_MAX_CONNECTIONS',
};

function podsSelectedBy(objects: K8sObject[], selector: LabelSelector | Record<string, string> | undefined): Workload[] {
  return objects.filter(isWorkload).filter((w) => selects(selector, w.spec.template.metadata?.labels));
}

const portNames = (w: Workload) => w.spec.template.spec.containers.flatMap((c) => c.ports ?? []);

function checkNamespaces(objects: K8sObject[], out: string[]): void {
  const namespaced = objects.filter((o) => o.kind !== 'Namespace');
  const spaces = new Set(namespaced.map((o) => o.metadata.namespace ?? ''));
  if (spaces.size !== 1 || spaces.has(''))
    out.push(`objects must share one namespace, found: ${[...spaces].map((s) => s || '(none)').join(', ')}`);
  for (const ns of objects.filter((o) => o.kind === 'Namespace'))
    if (!spaces.has(ns.metadata.name)) out.push(`${ref(ns)} is not the namespace the objects use`);
}

function checkServices(objects: K8sObject[], out: string[]): void {
  for (const svc of objects.filter((o) => o.kind === 'Service')) {
    const spec = specOf(svc) as {
      selector?: Record<string, string>;
      ports?: Array<{ name?: string; port: number; targetPort?: number | string }>;
    };
    const pods = podsSelectedBy(objects, spec.selector);
    if (pods.length === 0) {
      out.push(`${ref(svc)}: selector ${JSON.stringify(spec.selector ?? {})} matches no workload's pods`);
      continue;
    }
    for (const p of spec.ports ?? []) {
      const target = p.targetPort ?? p.port;
      for (const w of pods) {
        const ok = portNames(w).some((cp) => (typeof target === 'number' ? cp.containerPort === target : cp.name === target));
        if (!ok) out.push(`${ref(svc)}: targetPort ${target} is not a port of ${ref(w)}`);
      }
    }
  }
  for (const sts of objects.filter((o) => o.kind === 'StatefulSet') as Workload[]) {
    const headless = objects.find((o) => o.kind === 'Service' && o.metadata.name === sts.spec.serviceName);
    if (!headless || (specOf(headless) as { clusterIP?: string }).clusterIP !== 'None')
      out.push(`${ref(sts)}: serviceName ${sts.spec.serviceName} is not a headless Service of this render`);
  }
}

function checkHpas(objects: K8sObject[], opts: RefOptions, out: string[]): void {
  for (const hpa of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
    const spec = specOf(hpa) as {
      scaleTargetRef?: { kind: string; name: string };
      minReplicas?: number;
      maxReplicas: number;
      metrics?: Array<{
        type: string;
        resource?: { name: string };
        pods?: { metric: { name: string }; target: { averageValue?: string | number } };
      }>;
      behavior?: { scaleDown?: { stabilizationWindowSeconds?: number } };
    };
    if (hpa.apiVersion !== 'autoscaling/v2') out.push(`${ref(hpa)}: use autoscaling/v2`);
    const target = objects.find((o) => o.kind === spec.scaleTargetRef?.kind && o.metadata.name === spec.scaleTargetRef?.name);
    if (!target || !isWorkload(target)) {
      out.push(`${ref(hpa)}: scaleTargetRef ${spec.scaleTargetRef?.kind}/${spec.scaleTargetRef?.name} does not exist`);
      continue;
    }
    if (target.spec.replicas !== undefined)
      out.push(`${ref(hpa)}: ${ref(target)} sets spec.replicas, which fights the autoscaler on every apply`);
    if ((spec.minReplicas ?? 1) > spec.maxReplicas) out.push(`${ref(hpa)}: minReplicas > maxReplicas`);
    if (!(spec.metrics ?? []).some((m) => m.type === 'Resource' && m.resource?.name === 'cpu'))
      out.push(`${ref(hpa)}: no CPU utilisation metric`);
    if ((spec.behavior?.scaleDown?.stabilizationWindowSeconds ?? 0) < 300)
      out.push(`${ref(hpa)}: scale-down stabilisation must be at least 300 s`);
    for (const m of (spec.metrics ?? []).filter((x) => x.type === 'Pods')) {
      const name = m.pods?.metric.name ?? '';
      if (opts.exportedMetrics && !opts.exportedMetrics.has(name))
        out.push(`${ref(hpa)}: Pods metric ${name} is not exported by any service`);
      const capVar = CAP_VAR[target.metadata.name];
      const cap = capVar && Number(containerEnv(target.spec.template.spec.containers[0]!, objects)[capVar]);
      if (name === 'arcp_gateway_connections' && cap && !(Number(m.pods?.target.averageValue) < cap)) {
        out.push(`${ref(hpa)}: connections target ${m.pods?.target.averageValue} is not below the per-pod cap ${capVar}=${cap}`);
      }
    }
  }
}

function checkSelectors(objects: K8sObject[], out: string[]): void {
  for (const pdb of objects.filter((o) => o.kind === 'PodDisruptionBudget')) {
    if (podsSelectedBy(objects, (specOf(pdb) as { selector?: LabelSelector }).selector).length === 0)
      out.push(`${ref(pdb)}: selector matches no workload's pods`);
  }
  for (const pm of objects.filter((o) => o.kind === 'PodMonitor')) {
    const spec = specOf(pm) as { selector?: LabelSelector; podMetricsEndpoints?: Array<{ port?: string }> };
    const pods = podsSelectedBy(objects, spec.selector);
    if (pods.length === 0) out.push(`${ref(pm)}: selector matches no workload's pods`);
    for (const ep of spec.podMetricsEndpoints ?? []) {
      for (const w of pods)
        if (!portNames(w).some((p) => p.name === ep.port)) out.push(`${ref(pm)}: port ${ep.port} is not a port of ${ref(w)}`);
    }
  }
}

function checkIngresses(objects: K8sObject[], out: string[]): void {
  for (const ing of objects.filter((o) => o.kind === 'Ingress')) {
    const spec = specOf(ing) as {
      ingressClassName?: string;
      rules?: Array<{
        http?: { paths: Array<{ path: string; backend: { service?: { name: string; port: { name?: string; number?: number } } } }> };
      }>;
    };
    if (!spec.ingressClassName) out.push(`${ref(ing)}: no ingressClassName`);
    const a = ing.metadata.annotations ?? {};
    for (const key of ['proxy-read-timeout', 'proxy-send-timeout']) {
      if (!(Number(a[`nginx.ingress.kubernetes.io/${key}`]) >= 3600))
        out.push(`${ref(ing)}: nginx.ingress.kubernetes.io/${key} must be at least 3600 (WebSockets)`);
    }
    const paths = (spec.rules ?? []).flatMap((r) => r.http?.paths ?? []);
    for (const p of paths) {
      const b = p.backend.service;
      const svc = objects.find((o) => o.kind === 'Service' && o.metadata.name === b?.name);
      const ports = (svc && (specOf(svc) as { ports?: Array<{ name?: string; port: number }> }).ports) ?? [];
      if (!svc) out.push(`${ref(ing)}: path ${p.path} → Service ${b?.name}, which does not exist`);
      else if (!ports.some((sp) => (b?.port.name ? sp.name === b.port.name : sp.port === b?.port.number)))
        out.push(`${ref(ing)}: path ${p.path} → ${ref(svc)} port ${b?.port.name ?? b?.port.number}, which it does not have`);
    }
    const routed = new Set(paths.map((p) => p.backend.service?.name));
    for (const svc of objects.filter((o) => o.kind === 'Service' && routed.has(o.metadata.name))) {
      for (const w of podsSelectedBy(objects, (specOf(svc) as { selector?: Record<string, string> }).selector)) {
        if (containerEnv(w.spec.template.spec.containers[0]!, objects).TRUST_PROXY !== 'true')
          out.push(`${ref(w)}: behind the Ingress it needs TRUST_PROXY=true (else every client shares the proxy's address)`);
      }
    }
    for (const [path, service] of Object.entries(CHANNEL_PATHS)) {
      if (!paths.some((p) => p.path === path && p.backend.service?.name === service))
        out.push(`${ref(ing)}: ${path} must route to Service ${service}`);
    }
    // The operator page lives with its socket.
    const page = CHANNEL_PATHS['/dashboard/ws'];
    if (
      !paths.some((p) => p.path === '/dashboard' && (p as { pathType?: string }).pathType === 'Prefix' && p.backend.service?.name === page)
    ) {
      out.push(`${ref(ing)}: /dashboard (Prefix) must route to Service ${page} (the operator page)`);
    }
  }
}

function checkConfigRefs(objects: K8sObject[], opts: RefOptions, out: string[]): void {
  const has = (kind: string, name: string) => objects.some((o) => o.kind === kind && o.metadata.name === name);
  for (const w of objects.filter(isWorkload)) {
    for (const c of w.spec.template.spec.containers) {
      for (const from of c.envFrom ?? []) {
        if (from.configMapRef && !has('ConfigMap', from.configMapRef.name))
          out.push(`${ref(w)}: envFrom ConfigMap ${from.configMapRef.name} does not exist`);
        if (from.secretRef && !has('Secret', from.secretRef.name) && !opts.externalSecrets?.includes(from.secretRef.name))
          out.push(`${ref(w)}: envFrom Secret ${from.secretRef.name} does not exist`);
      }
      for (const e of c.env ?? []) {
        const s = e.valueFrom?.secretKeyRef;
        if (s) {
          const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name === s.name) as
            (K8sObject & { stringData?: Record<string, string> }) | undefined;
          if (!secret && !opts.externalSecrets?.includes(s.name))
            out.push(`${ref(w)}: ${e.name} reads Secret ${s.name}, which does not exist`);
          if (secret && !(s.key in { ...secret.data, ...secret.stringData }))
            out.push(`${ref(w)}: ${e.name} reads key ${s.key}, which Secret ${s.name} lacks`);
        }
        const cm = e.valueFrom?.configMapKeyRef;
        if (cm && !has('ConfigMap', cm.name)) out.push(`${ref(w)}: ${e.name} reads ConfigMap ${cm.name}, which does not exist`);
      }
    }
  }
}

export function checkRefs(objects: K8sObject[], opts: RefOptions = {}): string[] {
  const out: string[] = [];
  checkNamespaces(objects, out);
  checkServices(objects, out);
  checkHpas(objects, opts, out);
  checkSelectors(objects, out);
  checkIngresses(objects, out);
  checkConfigRefs(objects, opts, out);
  return out;
}
