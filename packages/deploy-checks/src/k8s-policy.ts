/** Every Kubernetes policy rule over one render (pod templates, cross-object references, NATS, observability and network extras). */
import { checkNats } from './k8s-policy-nats';
import { checkObservability } from './k8s-policy-observability';
import { checkPods } from './k8s-policy-pods';
import { checkRefs, type RefOptions } from './k8s-policy-refs';
import type { K8sObject } from './k8s-types';

export type { RefOptions };

export function checkPolicies(objects: K8sObject[], opts: RefOptions = {}): string[] {
  return [...checkPods(objects), ...checkRefs(objects, opts), ...checkNats(objects), ...checkObservability(objects)];
}
