/**
 * Policy rules on each workload's pod template, for what schemas cannot see: probes (and the
 * ops-port convention /healthz, /readyz), resources, the preStop pause and a grace period that
 * covers it plus the drain, non-root, Prometheus annotations, named ports, and key whitelists
 * (Kubernetes schemas accept unknown keys, so a `readinesProbe` typo would pass silently).
 */
import { type Container, type K8sObject, type Probe, type Workload, isWorkload, ref, selects } from './k8s-types';

const CONTAINER_KEYS = new Set([
  'name',
  'image',
  'command',
  'args',
  'workingDir',
  'ports',
  'envFrom',
  'env',
  'resources',
  'resizePolicy',
  'restartPolicy',
  'volumeMounts',
  'volumeDevices',
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
  'lifecycle',
  'terminationMessagePath',
  'terminationMessagePolicy',
  'imagePullPolicy',
  'securityContext',
  'stdin',
  'stdinOnce',
  'tty',
]);

const POD_SPEC_KEYS = new Set([
  'volumes',
  'initContainers',
  'containers',
  'ephemeralContainers',
  'restartPolicy',
  'terminationGracePeriodSeconds',
  'activeDeadlineSeconds',
  'dnsPolicy',
  'nodeSelector',
  'serviceAccountName',
  'serviceAccount',
  'automountServiceAccountToken',
  'nodeName',
  'hostNetwork',
  'hostPID',
  'hostIPC',
  'shareProcessNamespace',
  'securityContext',
  'imagePullSecrets',
  'hostname',
  'subdomain',
  'affinity',
  'schedulerName',
  'tolerations',
  'hostAliases',
  'priorityClassName',
  'priority',
  'dnsConfig',
  'readinessGates',
  'runtimeClassName',
  'enableServiceLinks',
  'preemptionPolicy',
  'overhead',
  'topologySpreadConstraints',
  'setHostnameAsFQDN',
  'os',
  'hostUsers',
  'schedulingGates',
  'resourceClaims',
  'resources',
]);

const PROBES = ['startupProbe', 'livenessProbe', 'readinessProbe'] as const;

/** The settings a container sees: its ConfigMap envFrom data, then its literal env values. */
export function containerEnv(c: Container, objects: K8sObject[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of c.envFrom ?? []) {
    const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === from.configMapRef?.name);
    Object.assign(env, cm?.data ?? {});
  }
  for (const e of c.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
  return env;
}

/** Seconds the preStop hook pauses (`sleep: {seconds}` or `exec: [sleep, N]`); null when none. */
export function preStopSeconds(c: Container): number | null {
  const hook = c.lifecycle?.preStop;
  if (!hook) return null;
  if (hook.sleep?.seconds !== undefined) return hook.sleep.seconds;
  const cmd = hook.exec?.command ?? [];
  const i = cmd.findIndex((part) => part === 'sleep' || part.endsWith('/sleep'));
  if (i >= 0 && cmd[i + 1] !== undefined) return Number(cmd[i + 1]);
  return 0;
}

function probePort(p: Probe): number | string | undefined {
  return p.httpGet?.port ?? p.tcpSocket?.port;
}

function portExists(c: Container, port: number | string | undefined): boolean {
  if (port === undefined) return true;
  return (c.ports ?? []).some((p) => (typeof port === 'number' ? p.containerPort === port : p.name === port));
}

function checkContainer(w: Workload, c: Container, objects: K8sObject[], out: string[], init: boolean): void {
  const at = `${ref(w)} ${init ? 'init container' : 'container'} ${c.name}`;
  for (const key of Object.keys(c)) if (!CONTAINER_KEYS.has(key)) out.push(`${at}: unknown container key "${key}"`);
  checkRuntime(w, c, at, out);
  if (!init) checkLifecycle(w, c, objects, at, out);
}

/** Probes, the ops-port convention and the shutdown timing (long-running containers only). */
function checkLifecycle(w: Workload, c: Container, objects: K8sObject[], at: string, out: string[]): void {
  for (const probe of PROBES) {
    const p = c[probe];
    if (!p) out.push(`${at}: no ${probe}`);
    else if (!portExists(c, probePort(p))) out.push(`${at}: ${probe} uses port ${probePort(p)}, which the container does not declare`);
  }
  const ops = (c.ports ?? []).find((p) => p.name === 'ops');
  if (ops) {
    if (c.livenessProbe?.httpGet?.path !== '/healthz' || c.livenessProbe.httpGet.port !== 'ops')
      out.push(`${at}: livenessProbe must be GET /healthz on port ops`);
    if (c.readinessProbe?.httpGet?.path !== '/readyz' || c.readinessProbe.httpGet.port !== 'ops')
      out.push(`${at}: readinessProbe must be GET /readyz on port ops`);
  }
  const pause = preStopSeconds(c);
  const grace = w.spec.template.spec.terminationGracePeriodSeconds ?? 30;
  if (pause === null) out.push(`${at}: no lifecycle.preStop`);
  else {
    const drain = Number(containerEnv(c, objects).SHUTDOWN_TIMEOUT_S ?? 0);
    if (!(grace > pause + drain))
      out.push(`${at}: terminationGracePeriodSeconds ${grace} does not cover preStop ${pause}s + SHUTDOWN_TIMEOUT_S ${drain}s`);
  }
}

/** Resources, non-root, mounts: every container, init containers included. */
function checkRuntime(w: Workload, c: Container, at: string, out: string[]): void {
  for (const kind of ['requests', 'limits'] as const) {
    for (const res of ['cpu', 'memory']) if (c.resources?.[kind]?.[res] === undefined) out.push(`${at}: no resources.${kind}.${res}`);
  }
  const podSc = w.spec.template.spec.securityContext ?? {};
  const runAsNonRoot = c.securityContext?.runAsNonRoot ?? podSc.runAsNonRoot;
  const uid = c.securityContext?.runAsUser ?? podSc.runAsUser;
  if (runAsNonRoot !== true || uid === 0) out.push(`${at}: must run as non-root (runAsNonRoot: true, runAsUser ≠ 0)`);
  if (c.securityContext?.allowPrivilegeEscalation !== false) out.push(`${at}: securityContext.allowPrivilegeEscalation must be false`);
  const mounts = new Set((w.spec.template.spec.volumes ?? []).map((v) => v.name));
  for (const claim of w.spec.volumeClaimTemplates ?? []) mounts.add(claim.metadata.name);
  for (const m of c.volumeMounts ?? []) if (!mounts.has(m.name)) out.push(`${at}: volumeMount ${m.name} has no volume`);
}

function checkScrapeAnnotations(w: Workload, out: string[]): void {
  const ops = w.spec.template.spec.containers.flatMap((c) => c.ports ?? []).find((p) => p.name === 'ops');
  if (!ops) return;
  const a = w.spec.template.metadata?.annotations ?? {};
  if (a['prometheus.io/scrape'] !== 'true') out.push(`${ref(w)}: pod template lacks prometheus.io/scrape: "true"`);
  if (a['prometheus.io/port'] !== String(ops.containerPort))
    out.push(`${ref(w)}: prometheus.io/port must be the ops port ${ops.containerPort}`);
  if (a['prometheus.io/path'] !== '/metrics') out.push(`${ref(w)}: prometheus.io/path must be /metrics`);
}

export function checkPods(objects: K8sObject[]): string[] {
  const out: string[] = [];
  for (const w of objects.filter(isWorkload)) {
    const spec = w.spec.template?.spec;
    if (!spec?.containers?.length) {
      out.push(`${ref(w)}: pod template has no containers`);
      continue;
    }
    for (const key of Object.keys(spec)) if (!POD_SPEC_KEYS.has(key)) out.push(`${ref(w)}: unknown pod spec key "${key}"`);
    if (!selects(w.spec.selector, w.spec.template.metadata?.labels))
      out.push(`${ref(w)}: spec.selector does not match its own pod template labels`);
    for (const c of spec.containers) checkContainer(w, c, objects, out, false);
    for (const c of spec.initContainers ?? []) checkContainer(w, c, objects, out, true);
    checkScrapeAnnotations(w, out);
  }
  return out;
}
