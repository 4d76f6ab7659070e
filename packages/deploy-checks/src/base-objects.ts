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
  const k = readYaml<{ resources: string[]; configMapGenerator: Array<{ name: string; envs: string[] }> }>(join(BASE, 'kustomization.yaml'));
  const objects = k.resources.flatMap((file) => parseYamlDocs<K8sObject>(readFileSync(join(BASE, file), 'utf8')));
  for (const gen of k.configMapGenerator) {
    const data = Object.assign({}, ...gen.envs.map((f) => envFile(readFileSync(join(BASE, f), 'utf8')))) as Record<string, string>;
    objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: gen.name }, data });
  }
  objects.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'arcp-secrets' }, data: { JWT_SECRET: 'eA==', ADMIN_PASSWORD: 'eA==', AGENT_KEYS: 'eA==' } });
  for (const o of objects) o.metadata.namespace = namespace;
  objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  return objects;
}

export function find<T extends K8sObject = K8sObject>(objects: K8sObject[], kind: string, name: string): T {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind}/${name}`);
  return o as T;
}
