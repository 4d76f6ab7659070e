/**
 * StreamStore on a JetStream limits stream (discard old, `max_msgs`). Creation is idempotent:
 * an identical config is accepted by the server, a different one is applied as an update, and
 * an existing stream is raised to the configured replica count. Appends ride out a stream
 * leader election like KV writes. Reads fetch messages by sequence, which stays exact across
 * purges and trims.
 */
import { DiscardPolicy, type JetStreamClient, type JetStreamManager, RetentionPolicy, StorageType, type StoredMsg } from 'nats';
import { type StoredMessage, type StreamOptions, type StreamStore } from './bus';
import { BusClosedError } from './errors';
import { type Availability, whenAvailable } from './nats-availability';
import { isClosedError, isLostCreateRace, isNotFound, mapRequestError } from './nats-errors';
import { type NatsStoreContext } from './nats-kv';
import { creationError, ensureReplicas } from './nats-replicas';
import { retrySetup, retryWrite, writeId } from './nats-retry';
import { subjectMatches } from './subject-match';

/** Parallel message gets per read; bounds the burst one `last(1000)` puts on the server. */
const READ_BATCH = 64;

export async function openNatsStream(ctx: NatsStoreContext, name: string, opts: StreamOptions): Promise<StreamStore> {
  const { jsm, policy } = ctx;
  const config = {
    name,
    subjects: opts.subjects,
    max_msgs: opts.maxMsgs,
    discard: DiscardPolicy.Old,
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    num_replicas: policy.replicas,
  };
  try {
    await retrySetup(() => jsm.streams.add(config));
  } catch (err) {
    if (isClosedError(err)) throw new BusClosedError({ cause: err });
    if (!isLostCreateRace(err)) throw creationError('stream', name, policy, err);
    // The replica count is left to ensureReplicas, which only ever raises it.
    await retrySetup(() => jsm.streams.update(name, { subjects: opts.subjects, max_msgs: opts.maxMsgs }));
  }
  await ensureReplicas(jsm, name, policy);
  return new NatsStream(name, ctx.js, jsm, opts.subjects, ctx.writeRetryMs, ctx.availability);
}

class NatsStream implements StreamStore {
  constructor(
    readonly name: string,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly subjects: readonly string[],
    private readonly writeRetryMs: number,
    private readonly availability: () => Availability,
  ) {}

  async append(subject: string, data: Uint8Array): Promise<number> {
    // On a captured subject "no responders" means a leader election; elsewhere, a wrong subject.
    const captured = this.subjects.some((pattern) => subjectMatches(pattern, subject));
    try {
      const msgID = writeId();
      const ack = await retryWrite(
        (timeout) => this.js.publish(subject, data, { msgID, timeout }),
        captured ? this.writeRetryMs : 0,
        this.availability,
      );
      return ack.seq;
    } catch (err) {
      throw mapRequestError(err, subject, this.writeRetryMs);
    }
  }

  async last(n: number): Promise<StoredMessage[]> {
    if (n <= 0) return [];
    const { first, last } = await this.bounds();
    return this.range(Math.max(first, last - n + 1), last);
  }

  async after(afterSeq: number, limit: number): Promise<StoredMessage[]> {
    if (limit <= 0) return [];
    const { first, last } = await this.bounds();
    const start = Math.max(first, afterSeq + 1);
    return this.range(start, Math.min(last, start + limit - 1));
  }

  async purge(): Promise<void> {
    await this.guard(() => this.jsm.streams.purge(this.name));
  }

  private async bounds(): Promise<{ first: number; last: number }> {
    const info = await this.guard(() => this.jsm.streams.info(this.name));
    const { first_seq: first, last_seq: last, messages } = info.state;
    return messages === 0 ? { first: last + 1, last } : { first, last };
  }

  /** Messages with first <= seq <= last, oldest first; sequences removed meanwhile are skipped. */
  private async range(first: number, last: number): Promise<StoredMessage[]> {
    const out: StoredMessage[] = [];
    for (let start = first; start <= last; start += READ_BATCH) {
      const seqs: number[] = [];
      for (let seq = start; seq <= Math.min(last, start + READ_BATCH - 1); seq++) seqs.push(seq);
      const batch = await Promise.all(seqs.map((seq) => this.get(seq)));
      for (const m of batch) if (m) out.push(m);
    }
    return out;
  }

  private async get(seq: number): Promise<StoredMessage | null> {
    await this.available();
    try {
      const sm: StoredMsg = await this.jsm.streams.getMessage(this.name, { seq });
      return { subject: sm.subject, data: sm.data, seq: sm.seq, time: sm.time };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw isClosedError(err) ? new BusClosedError({ cause: err }) : err;
    }
  }

  /** Online, or a failover to another node within the write bound; BusUnavailableError otherwise. */
  private available(): Promise<void> {
    return whenAvailable(this.availability, Date.now() + this.writeRetryMs);
  }

  private async guard<T>(op: () => Promise<T>): Promise<T> {
    await this.available();
    try {
      return await op();
    } catch (err) {
      throw isClosedError(err) ? new BusClosedError({ cause: err }) : err;
    }
  }
}
