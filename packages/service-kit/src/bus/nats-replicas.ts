/**
 * How many copies JetStream keeps of every bucket and stream the services create, and raising an
 * existing one in place. A stream's replica count can be changed by a stream update (no copy,
 * no new stream: the data stays where it is and the new peers catch up), so an existing bucket
 * with fewer replicas is raised, never recreated, and never lowered here. When the raise is
 * impossible (a single server, fewer servers than replicas) the service logs why and keeps the
 * data as it is.
 */
import { type JetStreamManager, type StreamInfo } from 'nats';
import { type Logger } from 'pino';
import { BusReplicasError } from './errors';
import { isClosedError } from './nats-errors';
import { retrySetup } from './nats-retry';

/**
 * The replica count when none is configured: 3 when the client is given three or more servers
 * (a cluster that can lose one and keep a quorum), else 1.
 */
export function defaultReplicas(servers: string | readonly string[]): number {
  const count = (typeof servers === 'string' ? servers.split(',') : servers).filter((s) => s.trim() !== '').length;
  return count >= 3 ? 3 : 1;
}

export interface ReplicaPolicy {
  /** Copies wanted for every bucket and stream. */
  readonly replicas: number;
  /** The server is part of a cluster (a single server cannot keep more than one copy). */
  readonly clustered: boolean;
  readonly logger?: Logger;
}

/** The count a stream has (JetStream reports 0 for the default, one copy). */
function replicasOf(info: StreamInfo): number {
  return Math.max(1, info.config.num_replicas ?? 1);
}

/**
 * Raises `stream` to the policy's replica count when it has fewer. Never throws for a raise the
 * cluster refuses: the stream keeps its data and the error is logged with what to do.
 */
export async function ensureReplicas(jsm: JetStreamManager, stream: string, policy: ReplicaPolicy): Promise<void> {
  const info = await retrySetup(() => jsm.streams.info(stream));
  const have = replicasOf(info);
  if (have >= policy.replicas) return;
  const log = { stream, replicas: have, wanted: policy.replicas };
  if (!policy.clustered) {
    // A single server accepts the update and reports the new count, but keeps one copy.
    policy.logger?.error(
      log,
      `cannot raise the replicas of ${stream} from ${have} to ${policy.replicas}: the NATS server is not part of a cluster; it keeps ${have} (lower NATS_REPLICAS, or run a JetStream cluster)`,
    );
    return;
  }
  try {
    await jsm.streams.update(stream, { num_replicas: policy.replicas });
    const settled = await waitSettled(jsm, stream, policy.replicas);
    policy.logger?.info({ ...log, settled }, `raised the replicas of ${stream} from ${have} to ${policy.replicas} in place`);
  } catch (err) {
    if (isClosedError(err)) throw err;
    policy.logger?.error(
      { ...log, err },
      `cannot raise the replicas of ${stream} from ${have} to ${policy.replicas}: ${(err as Error).message}; it keeps ${have} (a cluster needs at least ${policy.replicas} JetStream servers)`,
    );
  }
}

/** How long a raised stream may take to elect its new group's leader and catch its peers up. */
const SETTLE_MS = 15_000;

/**
 * Waits until the raised stream has a leader and every new replica is current: the new group
 * elects a leader first, and until then the stream answers no request (measured: reads timed
 * out right after the raise). False when it did not settle within the bound; it still will.
 */
async function waitSettled(jsm: JetStreamManager, stream: string, replicas: number): Promise<boolean> {
  const deadline = Date.now() + SETTLE_MS;
  while (Date.now() < deadline) {
    try {
      const { cluster } = await jsm.streams.info(stream);
      const peers = cluster?.replicas ?? [];
      if (cluster?.leader && peers.length >= replicas - 1 && peers.every((p) => p.current)) return true;
    } catch (err) {
      if (isClosedError(err)) throw err;
      // No leader yet: the info request times out or finds no responder.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

/** Wraps a refused creation in a message that says which setting to change. */
export function creationError(kind: 'bucket' | 'stream', name: string, policy: ReplicaPolicy, err: unknown): unknown {
  const message = (err as Error).message ?? String(err);
  if (policy.replicas > 1 && /replicas|peers|placement|insufficient resources|non-clustered|timeout/i.test(message)) {
    return new BusReplicasError(kind, name, policy.replicas, message, { cause: err });
  }
  return err;
}
