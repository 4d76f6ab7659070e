/**
 * Schema validation of rendered Kubernetes objects: type and shape errors (`replicas: one`,
 * a string containerPort, `interval: 15` on a PodMonitor). Runs the ESM-only validators in one
 * child process per call, for any number of named sets of objects (see k8s-schema-child.ts). Unknown keys are NOT schema errors in
 * Kubernetes; the policy whitelists catch those.
 */
import { join } from 'node:path';
import type { K8sObject } from './k8s-types';
import { ROOT, run } from './repo';

export function schemaProblems<K extends string>(sets: Record<K, K8sObject[]>): Record<K, string[]> {
  const r = run(process.execPath, ['--import', 'tsx', join(__dirname, 'k8s-schema-child.ts')], { cwd: ROOT, input: JSON.stringify(sets) });
  if (r.status !== 0) throw new Error(`schema validator failed (${r.status}):\n${r.output}`);
  return JSON.parse(r.stdout) as Record<K, string[]>;
}
