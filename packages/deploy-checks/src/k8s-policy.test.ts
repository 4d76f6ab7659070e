/**
 * The Kubernetes policy and schema checks on the base (loaded without kustomize, so these run
 * everywhere), and proof that each rule fires: every case breaks one thing in a copy of the
 * objects and expects the matching complaint.
 */
import { baseObjects, find } from './base-objects';
import { checkPolicies } from './k8s-policy';
import { schemaProblems } from './k8s-schema';
import { clone, type Container, type K8sObject, type Workload } from './k8s-types';
import { exportedMetricNames } from './metric-names';

const base = baseObjects();
const opts = { exportedMetrics: exportedMetricNames() };
const dep = (o: K8sObject[], name: string) => find<Workload>(o, 'Deployment', name);
const ctr = (o: K8sObject[], name: string): Container => dep(o, name).spec.template.spec.containers[0]!;
type Spec = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const spec = (o: K8sObject[], kind: string, name: string) => find(o, kind, name).spec as Spec;

const connectionsMetric = (averageValue: string, metric = 'arcp_gateway_connections') => ({
  type: 'Pods',
  pods: { metric: { name: metric }, target: { type: 'AverageValue', averageValue } },
});

const broken: Array<[string, (o: K8sObject[]) => void, RegExp]> = [
  [
    'a typo in a probe key',
    (o) => {
      const c = ctr(o, 'gateway-public') as unknown as Spec;
      c.readinesProbe = c.readinessProbe;
      delete c.readinessProbe;
    },
    /unknown container key "readinesProbe"/,
  ],
  [
    'a missing probe',
    (o) => {
      delete ctr(o, 'registry').startupProbe;
    },
    /container registry: no startupProbe/,
  ],
  [
    'liveness on /readyz',
    (o) => {
      ctr(o, 'metrics').livenessProbe!.httpGet!.path = '/readyz';
    },
    /livenessProbe must be GET \/healthz/,
  ],
  [
    'a probe on an undeclared port',
    (o) => {
      ctr(o, 'gateway-agents').readinessProbe!.httpGet!.port = 'metrics';
    },
    /uses port metrics, which the container does not declare/,
  ],
  [
    'no memory limit',
    (o) => {
      delete ctr(o, 'gateway-dashboard').resources!.limits!.memory;
    },
    /no resources\.limits\.memory/,
  ],
  [
    'no preStop',
    (o) => {
      delete ctr(o, 'gateway-public').lifecycle;
    },
    /no lifecycle\.preStop/,
  ],
  [
    'a grace period shorter than preStop + drain',
    (o) => {
      dep(o, 'gateway-public').spec.template.spec.terminationGracePeriodSeconds = 20;
    },
    /terminationGracePeriodSeconds 20 does not cover preStop 5s \+ SHUTDOWN_TIMEOUT_S 25s/,
  ],
  [
    'a root pod',
    (o) => {
      dep(o, 'registry').spec.template.spec.securityContext = { runAsUser: 0 };
    },
    /must run as non-root/,
  ],
  [
    'privilege escalation allowed',
    (o) => {
      delete ctr(o, 'registry').securityContext;
    },
    /allowPrivilegeEscalation must be false/,
  ],
  [
    'a wrong scrape port annotation',
    (o) => {
      dep(o, 'metrics').spec.template.metadata!.annotations!['prometheus.io/port'] = '8080';
    },
    /prometheus\.io\/port must be the ops port 9464/,
  ],
  [
    'a typo in a pod spec key',
    (o) => {
      const s = dep(o, 'metrics').spec.template.spec as unknown as Spec;
      s.terminationGracePeriodSecond = 60;
    },
    /unknown pod spec key "terminationGracePeriodSecond"/,
  ],
  [
    'a selector that misses its own pods',
    (o) => {
      dep(o, 'registry').spec.selector = { matchLabels: { 'app.kubernetes.io/name': 'registri' } };
    },
    /Deployment\/registry: spec\.selector does not match its own pod template labels/,
  ],
  [
    'a Service selecting nothing',
    (o) => {
      spec(o, 'Service', 'registry').selector = { 'app.kubernetes.io/name': 'nobody' };
    },
    /Service\/registry: selector .* matches no workload's pods/,
  ],
  [
    'a Service targetPort the pods lack',
    (o) => {
      spec(o, 'Service', 'gateway-public').ports[0].targetPort = 'websocket';
    },
    /targetPort websocket is not a port of Deployment\/gateway-public/,
  ],
  [
    'a StatefulSet without its headless Service',
    (o) => {
      spec(o, 'StatefulSet', 'nats').serviceName = 'nats-peers';
    },
    /serviceName nats-peers is not a headless Service/,
  ],
  [
    'an HPA on a missing Deployment',
    (o) => {
      spec(o, 'HorizontalPodAutoscaler', 'gateway-agents').scaleTargetRef.name = 'gateway-agent';
    },
    /scaleTargetRef Deployment\/gateway-agent does not exist/,
  ],
  [
    'a short scale-down window',
    (o) => {
      spec(o, 'HorizontalPodAutoscaler', 'gateway-public').behavior.scaleDown.stabilizationWindowSeconds = 60;
    },
    /scale-down stabilisation must be at least 300 s/,
  ],
  [
    'an HPA without the CPU metric',
    (o) => {
      spec(o, 'HorizontalPodAutoscaler', 'gateway-public').metrics = [connectionsMetric('10')];
    },
    /no CPU utilisation metric/,
  ],
  [
    'replicas pinned under an HPA',
    (o) => {
      dep(o, 'gateway-dashboard').spec.replicas = 2;
    },
    /sets spec\.replicas, which fights the autoscaler/,
  ],
  [
    'a Pods metric nobody exports',
    (o) => {
      spec(o, 'HorizontalPodAutoscaler', 'gateway-public').metrics.push(connectionsMetric('10', 'arcp_gateway_sockets'));
    },
    /Pods metric arcp_gateway_sockets is not exported/,
  ],
  [
    'a connections target at the cap',
    (o) => {
      spec(o, 'HorizontalPodAutoscaler', 'gateway-dashboard').metrics.push(connectionsMetric('5'));
    },
    /connections target 5 is not below the per-pod cap DASHBOARD_WS_MAX_CONNECTIONS=5/,
  ],
  [
    'a PDB selecting nothing',
    (o) => {
      spec(o, 'PodDisruptionBudget', 'nats').selector.matchLabels = { app: 'nats' };
    },
    /PodDisruptionBudget\/nats: selector matches no workload's pods/,
  ],
  [
    'a channel path to the wrong gateway',
    (o) => {
      spec(o, 'Ingress', 'arcp').rules[0].http.paths[0].backend.service.name = 'gateway-agents';
    },
    /\/public\/ws must route to Service gateway-public/,
  ],
  [
    'an Ingress port the Service lacks',
    (o) => {
      spec(o, 'Ingress', 'arcp').rules[0].http.paths[4].backend.service.port.name = 'api';
    },
    /port api, which it does not have/,
  ],
  [
    'the operator page left to the registry',
    (o) => {
      spec(o, 'Ingress', 'arcp').rules[0].http.paths[3].backend.service.name = 'registry';
    },
    /\/dashboard \(Prefix\) must route to Service gateway-dashboard/,
  ],
  [
    'default Ingress timeouts',
    (o) => {
      delete find(o, 'Ingress', 'arcp').metadata.annotations!['nginx.ingress.kubernetes.io/proxy-read-timeout'];
    },
    /proxy-read-timeout must be at least 3600/,
  ],
  [
    'an untrusted proxy',
    (o) => {
      find(o, 'ConfigMap', 'arcp-config').data!.TRUST_PROXY = 'false';
    },
    /Deployment\/gateway-public: behind the Ingress it needs TRUST_PROXY=true/,
  ],
  [
    'a missing Secret',
    (o) => {
      o.splice(
        o.findIndex((x) => x.kind === 'Secret'),
        1,
      );
    },
    /JWT_SECRET reads Secret arcp-secrets, which does not exist/,
  ],
  [
    'a missing Secret key',
    (o) => {
      delete find(o, 'Secret', 'arcp-secrets').data!.AGENT_KEYS;
    },
    /reads key AGENT_KEYS, which Secret arcp-secrets lacks/,
  ],
  [
    'a missing ConfigMap',
    (o) => {
      o.splice(
        o.findIndex((x) => x.kind === 'ConfigMap'),
        1,
      );
    },
    /envFrom ConfigMap arcp-config does not exist/,
  ],
  [
    'an object outside the namespace',
    (o) => {
      find(o, 'Service', 'nats').metadata.namespace = 'default';
    },
    /objects must share one namespace/,
  ],
  [
    'a PodMonitor on a missing port',
    (o) => {
      o.push({
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PodMonitor',
        metadata: { name: 'x', namespace: 'arcp' },
        spec: { selector: { matchLabels: { 'app.kubernetes.io/name': 'registry' } }, podMetricsEndpoints: [{ port: 'metrics' }] },
      });
    },
    /PodMonitor\/x: port metrics is not a port of Deployment\/registry/,
  ],
];

describe('Kubernetes policies', () => {
  it('the base passes every policy', () => {
    expect(checkPolicies(base, opts)).toEqual([]);
  });

  it.each(broken)('catch %s', (_name, breakIt, complaint) => {
    const objects = clone(base);
    breakIt(objects);
    const problems = checkPolicies(objects, opts);
    expect(problems.join('\n')).toMatch(complaint);
  });
});

describe('Kubernetes schemas (kubernetes-models)', () => {
  const bad = clone(base);
  (spec(bad, 'StatefulSet', 'nats') as Spec).replicas = 'one';
  ctr(bad, 'registry').ports![0]!.containerPort = 'eighty' as unknown as number;
  const unknownKind = { apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'typo' } };
  const monitor = (interval: unknown) => ({
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PodMonitor',
    metadata: { name: 'm' },
    spec: { selector: {}, podMetricsEndpoints: [{ port: 'ops', interval }] },
  });
  let result: Record<'base' | 'bad' | 'monitorOk' | 'monitorBad', string[]>;
  beforeAll(() => {
    result = schemaProblems({ base, bad: [...bad, unknownKind], monitorOk: [monitor('15s')], monitorBad: [monitor(15)] });
  }, 60_000);

  it('accept the base and a valid PodMonitor', () => {
    expect(result.base).toEqual([]);
    expect(result.monitorOk).toEqual([]);
  });

  it('reject wrong types and unknown kinds', () => {
    expect(result.bad.join('\n')).toMatch(/StatefulSet\/nats: \/spec\/replicas must be integer/);
    expect(result.bad.join('\n')).toMatch(
      /Deployment\/registry: \/spec\/template\/spec\/containers\/0\/ports\/0\/containerPort must be integer/,
    );
    expect(result.bad.join('\n')).toMatch(/Deploymnet\/typo: no schema for apps\/v1 Deploymnet/);
    expect(result.monitorBad.join('\n')).toMatch(/PodMonitor\/m: \/spec\/podMetricsEndpoints\/0\/interval must be string/);
  });
});
