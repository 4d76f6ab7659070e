/**
 * The KV watch of the NATS engine, on an ordered push consumer of the bucket's stream that we
 * configure ourselves instead of nats.js's `kv.watch()`, for one reason: a watch must resume
 * within seconds when the JetStream node holding its consumer goes away. The consumer is an
 * in-memory, one-replica ephemeral on one node of the cluster; when that node dies its
 * heartbeats stop, and nats.js recreates the consumer from the next sequence only after two
 * missed heartbeats. `kv.watch()` fixes the heartbeat at 5 s (measured on a 3-node cluster: the
 * watch came back after 9 to 30 s, sometimes not within 45 s); here it is `heartbeatMs` (1 s
 * by default, so 2-3 s plus the stream's leader election). Gaps and reconnects are handled by
 * nats.js's ordered consumer; the entries are decoded here exactly as nats.js decodes them.
 */
import { consumerOpts, type JetStreamClient, type JsMsg } from 'nats';
import { type KvEntry, type KvWatch, type KvWatchOptions } from './bus';
import { type HandlerErrorReporter } from './handler-errors';

/** The header in which a KV delete or purge marker says what it is. */
export const KV_OPERATION = 'KV-Operation';

/** What nats.js keeps on a push subscription: the consumer's info as it was created. */
interface CreatedConsumer {
  info?: { last?: { num_pending?: number } } | null;
}

export interface NatsKvWatchContext {
  js: JetStreamClient;
  bucket: string;
  heartbeatMs: number;
  report: HandlerErrorReporter;
}

export async function watchNatsKv(ctx: NatsKvWatchContext, opts: KvWatchOptions, onEntry: (entry: KvEntry) => void): Promise<KvWatch> {
  const initial = opts.initial !== false;
  const prefix = `$KV.${ctx.bucket}.`;
  const guard = (fn: () => void) => {
    try {
      fn();
    } catch (err) {
      ctx.report(err, `kv ${ctx.bucket}`);
    }
  };
  let revision = 0;
  let received = 0;
  let caughtUp = false;
  let initialDone = false;
  /** Entries pending when the consumer was created: the initial set (-1 until known). */
  let expected = -1;
  const finishInitial = () => {
    if (initialDone) return;
    initialDone = true;
    if (opts.onInitialDone) guard(opts.onInitialDone);
  };

  const co = consumerOpts();
  co.orderedConsumer();
  co.idleHeartbeat(ctx.heartbeatMs);
  co.bindStream(`KV_${ctx.bucket}`);
  if (initial) co.deliverLastPerSubject();
  else co.deliverNew();
  co.callback((err, jm) => {
    if (err) {
      // nats.js could not recreate the consumer this time; it tries again after the next missed
      // heartbeats, so the watch goes on.
      ctx.report(err, `kv ${ctx.bucket} watch`);
      return;
    }
    if (!jm) return;
    received += 1;
    revision = Math.max(revision, jm.seq);
    if (jm.info.pending === 0) caughtUp = true;
    const entry = toEntry(jm, prefix);
    // Deleted keys are skipped only while the initial set is delivered.
    if (initialDone || !initial || entry.operation === 'PUT') guard(() => onEntry(entry));
    if (!initialDone && expected >= 0 && (caughtUp || received >= expected)) finishInitial();
  });
  const sub = await ctx.js.subscribe(`${prefix}${opts.key ?? '>'}`, co);
  expected = initial ? ((sub as unknown as CreatedConsumer).info?.last?.num_pending ?? 0) : 0;
  // Entries may have arrived before subscribe() returned; an empty initial set has none at all.
  if (caughtUp || received >= expected) queueMicrotask(finishInitial);
  return {
    get revision() {
      return revision;
    },
    stop: () => {
      if (!sub.isClosed()) sub.unsubscribe();
    },
  };
}

function toEntry(jm: JsMsg, prefix: string): KvEntry {
  const op = jm.headers?.get(KV_OPERATION);
  return {
    key: jm.subject.substring(prefix.length),
    value: jm.data,
    revision: jm.seq,
    operation: op === 'DEL' || op === 'PURGE' ? op : 'PUT',
  };
}
