/**
 * Renders kustomizations with `kubectl kustomize` (offline): each overlay, the root
 * kustomization, and an overlay with optional components through a throwaway kustomization
 * that points at them by relative path (components are applied after the overlay, so it also
 * carries the overlay's namespace, as adding the component inside the overlay would).
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { K8sObject } from './k8s-types';
import { parseYamlDocs, readYaml, repoPath, run } from './repo';

export const K8S = repoPath('k8s');

export function overlays(): string[] {
  return readdirSync(join(K8S, 'overlays')).sort();
}

export function components(): string[] {
  return readdirSync(join(K8S, 'components')).sort();
}

export function kustomize(kubectl: string, dir: string): K8sObject[] {
  const r = run(kubectl, ['kustomize', dir]);
  if (r.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${r.output}`);
  return parseYamlDocs<K8sObject>(r.output);
}

export function kustomizeWith(kubectl: string, overlay: string, withComponents: string[]): K8sObject[] {
  const overlayDir = join(K8S, 'overlays', overlay);
  const { namespace } = readYaml<{ namespace?: string }>(join(overlayDir, 'kustomization.yaml'));
  const dir = mkdtempSync(join(tmpdir(), 'arcp-kustomize-'));
  try {
    const lines = [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      ...(namespace ? [`namespace: ${namespace}`] : []),
      `resources: [${JSON.stringify(relative(dir, overlayDir))}]`,
      `components: [${withComponents.map((c) => JSON.stringify(relative(dir, join(K8S, 'components', c)))).join(', ')}]`,
    ];
    writeFileSync(join(dir, 'kustomization.yaml'), lines.join('\n') + '\n');
    return kustomize(kubectl, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
