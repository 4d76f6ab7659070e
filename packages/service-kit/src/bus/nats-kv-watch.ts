/**
 * The KV watch of the NATS engine, on an ordered push consumer of the bucket's stream that we
 * configure ourselves instead of nats.js's `kv.watch()`, so that it outlives what a cluster and
 * its clients go through:
 *
 * - the node holding its consumer dies (the consumer is an in-memory, one-replica ephemeral on
 *   one node). Its heartbeats stop, and nats.js recreates the consumer from the next sequence
 *   after two missed ones. `kv.watch()` fixes the heartbeat at 5 s (measured on a 3-node cluster:
 *   the watch came back after 15 s, sometimes not within 30 s); here it is `heartbeatMs` (1 s by
 *   default: back in 3-5 s measured);
 * - our connection comes back after a reconnection, or nats.js ends the subscription on its own:
 *   a new consumer is opened from the revision after the last one seen, so nothing written
 *   meanwhile is missed and nothing is delivered twice (nats.js alone waits for missed
 *   heartbeats, and does not always recover after a server restart).
 *
 * Entries are decoded exactly as nats.js decodes them.
 */
import { consumerOpts, type JetStreamClient, type JetStreamSubscription, type JsMsg } from 'nats';
import { type Logger } from 'pino';
import { type KvEntry, type KvWatch, type KvWatchOptions } from './bus';
import { type HandlerErrorReporter } from './handler-errors';
import { isNoResponders, isTimeout } from './nats-errors';

/** The header in which a KV delete or purge marker says what it is. */
export const KV_OPERATION = 'KV-Operation';

/** Registers a listener for the bus's reconnections; returns its removal. */
export type OnReconnect = (listener: () => void) => () => void;

/** Pauses between attempts to reopen a watch: short, since each attempt already waits up to the API timeout. */
const RESUME_BACKOFF_MS = [100, 250, 500, 1000];
/** A resume slower than this is logged as a warning (with its attempts), a faster one at info. */
const SLOW_RESUME_MS = 5000;

/** What nats.js keeps on a push subscription: the consumer's info as it was created. */
interface CreatedConsumer {
  info?: { last?: { num_pending?: number } } | null;
}

export interface NatsKvWatchContext {
  js: JetStreamClient;
  bucket: string;
  heartbeatMs: number;
  report: HandlerErrorReporter;
  onReconnect: OnReconnect;
  logger?: Logger;
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
  /** The highest revision seen: a resumed consumer starts after it and skips up to it. */
  let revision = 0;
  let received = 0;
  let caughtUp = false;
  let initialDone = false;
  /** Entries pending when the first consumer was created: the initial set (-1 until known). */
  let expected = -1;
  let stopped = false;
  let resuming = false;
  /** Identifies the consumer whose messages count; a replaced one's late messages are dropped. */
  let currentToken: object = {};
  let current: JetStreamSubscription | undefined;
  const finishInitial = () => {
    if (initialDone) return;
    initialDone = true;
    if (opts.onInitialDone) guard(opts.onInitialDone);
  };

  const handle = (jm: JsMsg, first: boolean) => {
    if (!first && jm.seq <= revision) return;
    if (first) {
      received += 1;
      if (jm.info.pending === 0) caughtUp = true;
    }
    revision = Math.max(revision, jm.seq);
    const entry = toEntry(jm, prefix);
    // Deleted keys are skipped only while the initial set is delivered.
    if (initialDone || !initial || entry.operation === 'PUT') guard(() => onEntry(entry));
    if (first && !initialDone && expected >= 0 && (caughtUp || received >= expected)) finishInitial();
  };

  /** Opens a consumer (the first one, or one resuming at `from`) and makes it the current one. */
  const open = async (from?: number): Promise<JetStreamSubscription> => {
    const token = {};
    currentToken = token;
    const first = from === undefined;
    const co = consumerOpts();
    co.orderedConsumer();
    co.idleHeartbeat(ctx.heartbeatMs);
    co.bindStream(`KV_${ctx.bucket}`);
    if (!first) co.startSequence(from);
    else if (initial) co.deliverLastPerSubject();
    else co.deliverNew();
    co.callback((err, jm) => {
      if (token !== currentToken) return;
      // nats.js could not recreate the consumer this time; it tries again after the next missed
      // heartbeats, so the watch goes on.
      if (err) return ctx.report(err, `kv ${ctx.bucket} watch`);
      if (jm) handle(jm, first);
    });
    const sub = await ctx.js.subscribe(`${prefix}${opts.key ?? '>'}`, co);
    // Ended without stop(): nats.js gave up on its consumer; open a new one.
    void sub.closed.then(() => token === currentToken && resume());
    return sub;
  };

  /** Replaces the current consumer by one from the revision after the last seen, until one opens. */
  const resume = (): void => {
    // Before the initial set is complete nats.js's own recovery is kept (nothing to resume from).
    if (stopped || resuming || !initialDone) return;
    resuming = true;
    const started = Date.now();
    let lastError: unknown;
    void (async () => {
      for (let attempt = 0; !stopped; attempt++) {
        try {
          const previous = current;
          const next = await open(revision + 1);
          current = next;
          if (previous && !previous.isClosed()) previous.unsubscribe();
          if (stopped) next.unsubscribe();
          const ms = Date.now() - started;
          const log = { bucket: ctx.bucket, from: revision + 1, attempts: attempt + 1, ms, err: lastError };
          if (ms > SLOW_RESUME_MS) ctx.logger?.warn(log, 'KV watch resumed late');
          else ctx.logger?.info(log, 'KV watch resumed');
          return;
        } catch (err) {
          lastError = err;
          // JetStream is not answering yet (a reconnection, an election): try again shortly.
          await new Promise((r) => setTimeout(r, RESUME_BACKOFF_MS[Math.min(attempt, RESUME_BACKOFF_MS.length - 1)]));
        }
      }
    })().finally(() => (resuming = false));
  };

  current = await openFirst(open);
  expected = initial ? ((current as unknown as CreatedConsumer).info?.last?.num_pending ?? 0) : 0;
  // Entries may have arrived before subscribe() returned; an empty initial set has none at all.
  if (caughtUp || received >= expected) queueMicrotask(finishInitial);
  const offReconnect = ctx.onReconnect(resume);
  return {
    get revision() {
      return revision;
    },
    stop: () => {
      stopped = true;
      offReconnect();
      currentToken = {};
      if (current && !current.isClosed()) current.unsubscribe();
    },
  };
}

/** How long a watch's first consumer may take to open (a slow or electing cluster). */
const OPEN_BOUND_MS = 15_000;

/** The first consumer, tried again while JetStream does not answer in time (bounded). */
async function openFirst(open: () => Promise<JetStreamSubscription>): Promise<JetStreamSubscription> {
  const deadline = Date.now() + OPEN_BOUND_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      return await open();
    } catch (err) {
      if (!(isTimeout(err) || isNoResponders(err)) || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, RESUME_BACKOFF_MS[Math.min(attempt, RESUME_BACKOFF_MS.length - 1)]));
    }
  }
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
