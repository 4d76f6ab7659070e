/**
 * The k8s base as objects without kustomize (so the policy and schema checks, and the tests
 * that break them on purpose, run where kubectl is missing): every document of the base's
 * resources, the arcp-config ConfigMap from config.env, the Secret the overlays provide, and a
 * namespace on everything, as an overlay would set it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { K8sObject } from './k8s-types';
import { parseYamlDocs, readYaml, repoPath } from './repo';

const BASE = repoPath('k8s/base');

export function envFile(text: string): Record<string, string> {
  const data: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = line.match(/^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/);
    if (m) data[m[1]!] = m[2]!;
  }
  return data;
}

export function baseObjects(namespace = 'arcp'): K8sObject[] {
  const k = readYaml<{ resources: string[]; configMapGenerator: Array<{ name: string; envs: string[] }> }>(
    join(BASE, 'kustomization.yaml'),
  );
  const objects = k.resources.flatMap((file) => parseYamlDocs<K8sObject>(readFileSync(join(BASE, file), 'utf8')));
  for (const gen of k.configMapGenerator) {
    const data = Object.assign({}, ...gen.envs.map((f) => envFile(readFileSync(join(BASE, f), 'utf8')))) as Record<string, string>;
    objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: gen.name }, data });
  }
  objects.push({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'arcp-secrets' },
    data: { JWT_SECRET: 'eA==', ADMIN_PASSWORD: 'eA==', AGENT_KEYS: 'eA==' },
  });
  for (const o of objects) o.metadata.namespace = namespace;
  objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  return objects;
}

interface ProdKustomization {
  configMapGenerator?: Array<{ name: string; literals?: string[] }>;
}

/**
 * The base with the prod overlay's NATS applied as kustomize would (its StatefulSet patch:
 * replicas, args, affinity; its ConfigMap literals), for the NATS cluster rules where kubectl is
 * missing. The full prod render is checked by k8s.test.ts where kubectl is installed.
 */
export function withProdNats(objects: K8sObject[]): K8sObject[] {
  const prod = repoPath('k8s/overlays/prod');
  const patch = readYaml<{ spec: { replicas: number; template: { spec: { affinity?: unknown; containers: Array<{ args: string[] }> } } } }>(
    join(prod, 'nats-cluster.yaml'),
  );
  const nats = find(objects, 'StatefulSet', 'nats') as K8sObject & {
    spec: { replicas?: number; template: { spec: { affinity?: unknown; containers: Array<{ args?: string[] }> } } };
  };
  nats.spec.replicas = patch.spec.replicas;
  nats.spec.template.spec.affinity = patch.spec.template.spec.affinity;
  nats.spec.template.spec.containers[0]!.args = patch.spec.template.spec.containers[0]!.args;
  const literals =
    readYaml<ProdKustomization>(join(prod, 'kustomization.yaml')).configMapGenerator?.find((g) => g.name === 'arcp-config')?.literals ?? [];
  Object.assign(find(objects, 'ConfigMap', 'arcp-config').data!, envFile(literals.join('\n')));
  return objects;
}

export function find<T extends K8sObject = K8sObject>(objects: K8sObject[], kind: string, name: string): T {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind}/${name}`);
  return o as T;
}
