/**
 * The NATS rules on the base (one server) and on the base with the prod overlay's NATS cluster
 * applied (no kubectl needed), and proof that each rule fires on a broken copy.
 */
import { baseObjects, find, withProdNats } from './base-objects';
import { checkNats, effectiveReplicas } from './k8s-policy-nats';
import { clone, type K8sObject } from './k8s-types';

type Spec = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const nats = (o: K8sObject[]) => find(o, 'StatefulSet', 'nats').spec as Spec;
const config = (o: K8sObject[]) => find(o, 'ConfigMap', 'arcp-config').data!;
const args = (o: K8sObject[]) => nats(o).template.spec.containers[0].args as string[];

describe('NATS policy', () => {
  const base = baseObjects();
  const prod = withProdNats(baseObjects());

  it('passes on one server, and on the prod cluster with three copies of everything', () => {
    expect(checkNats(base)).toEqual([]);
    expect(nats(prod).replicas).toBe(3);
    expect(effectiveReplicas(config(prod))).toBe(3);
    expect(checkNats(prod)).toEqual([]);
  });

  it("derives a service's copies as the bus does", () => {
    expect(effectiveReplicas({ NATS_URL: 'nats://nats:4222' })).toBe(1);
    expect(effectiveReplicas({ NATS_URL: 'nats://a:4222,nats://b:4222,nats://c:4222' })).toBe(3);
    expect(effectiveReplicas({ NATS_URL: 'nats://nats:4222', NATS_REPLICAS: '3' })).toBe(3);
  });

  it.each<[string, (o: K8sObject[]) => void, RegExp]>([
    [
      'services keeping one copy on three servers',
      (o) => {
        config(o).NATS_URL = 'nats://nats:4222';
        delete config(o).NATS_REPLICAS;
      },
      /Deployment\/registry: keeps 1 copy of its data on a 3-server NATS cluster: set NATS_REPLICAS=3/,
    ],
    [
      'more copies than servers',
      (o) => {
        config(o).NATS_REPLICAS = '5';
      },
      /NATS_REPLICAS 5 is more than the 3 NATS server\(s\)/,
    ],
    [
      'two servers allowed on one node',
      (o) => {
        delete nats(o).template.spec.affinity;
      },
      /StatefulSet\/nats: needs a required pod anti-affinity on kubernetes.io\/hostname/,
    ],
    [
      'an anti-affinity that selects other pods',
      (o) => {
        nats(o).template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchLabels = {
          app: 'other',
        };
      },
      /needs a required pod anti-affinity/,
    ],
    [
      'a route missing',
      (o) => {
        const a = args(o);
        a[a.indexOf('--routes') + 1] = 'nats://nats-0.nats-headless:6222,nats://nats-1.nats-headless:6222';
      },
      /--routes must name every server; nats:\/\/nats-2\.nats-headless:6222 is missing/,
    ],
    [
      'no cluster name',
      (o) => {
        const a = args(o);
        a.splice(a.indexOf('--cluster_name'), 2);
      },
      /3 servers need --cluster_name/,
    ],
    [
      'servers sharing a name',
      (o) => {
        const a = args(o);
        a[a.indexOf('--server_name') + 1] = 'nats';
      },
      /each server needs its own name/,
    ],
    [
      'a budget that lets the quorum go',
      (o) => {
        (find(o, 'PodDisruptionBudget', 'nats').spec as Spec).maxUnavailable = 2;
      },
      /needs a PodDisruptionBudget that keeps 2 of 3 servers up/,
    ],
  ])('catches %s', (_name, breakIt, complaint) => {
    const objects = clone(prod);
    breakIt(objects);
    expect(checkNats(objects).join('\n')).toMatch(complaint);
  });

  it('catches three copies asked of a single server', () => {
    const objects = clone(base);
    config(objects).NATS_REPLICAS = '3';
    expect(checkNats(objects).join('\n')).toMatch(
      /Deployment\/gateway-public: NATS_REPLICAS 3 is more than the 1 NATS server\(s\): its buckets cannot be created/,
    );
  });
});
