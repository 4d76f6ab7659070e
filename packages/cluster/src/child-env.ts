/**
 * What each child of the local topology is given: the shared settings minus every secret it does
 * not read. A gateway that never checks a password should not hold one in its environment (a
 * crash dump, a debug endpoint or `/proc/<pid>/environ` would hand it out). Which service reads
 * which secret follows the services' config schemas (a test in the standalone service checks the
 * table against them): the registry signs tokens, checks the admin login and agent keys; a
 * gateway of a channel that authenticates verifies tokens; the public gateway and the metrics
 * service read none.
 */
import { CHANNEL_NAMES, CHANNELS, gatewayService } from '@arcp/protocol';

/** Every secret cluster mode knows about (ADMIN_USERNAME is the login's other half). */
export const CLUSTER_SECRETS = ['JWT_SECRET', 'ADMIN_USERNAME', 'ADMIN_PASSWORD', 'AGENT_KEYS'] as const;
export type ClusterSecret = (typeof CLUSTER_SECRETS)[number];

/** The secrets one service (a directory name under services/) reads. */
export function secretsFor(service: string): readonly ClusterSecret[] {
  if (service === 'registry') return CLUSTER_SECRETS;
  const channel = CHANNEL_NAMES.find((c) => gatewayService(c) === service);
  if (channel) return CHANNELS[channel].auth === 'none' ? [] : ['JWT_SECRET'];
  return [];
}

/** `env` without the secrets `service` does not read (unset variables stay unset). */
export function childEnv(service: string, env: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  const keep = new Set<string>(secretsFor(service));
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(env)) {
    if ((CLUSTER_SECRETS as readonly string[]).includes(name) && !keep.has(name)) continue;
    out[name] = value;
  }
  return out;
}
