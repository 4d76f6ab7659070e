/**
 * The in-process Bus engine (standalone mode and unit tests). Same semantics as NATS: subject
 * wildcards, queue groups served round-robin, request/reply with timeout and no-responder
 * detection, KV with CAS and watch, bounded streams. Deliveries are always asynchronous.
 * Payloads are passed by reference, not copied: treat received bytes as read-only.
 */
import {
  type Bus,
  type BusMessage,
  type BusStatus,
  type KvBucketOptions,
  type KvStore,
  type RequestOptions,
  type StreamOptions,
  type StreamStore,
  type SubscribeOptions,
  type Subscription,
} from './bus';
import { DeliveryQueue } from './delivery-queue';
import { BusClosedError, BusNoResponderError, BusTimeoutError } from './errors';
import { type BusHooks, handlerErrorReporter } from './handler-errors';
import { MemoryKv } from './memory-kv';
import { MemoryStream } from './memory-stream';
import { isLiteralSubject, subjectMatches } from './subject-match';

interface MemorySub {
  active: boolean;
  readonly subject: string;
  readonly queue: string | undefined;
  readonly handler: (msg: BusMessage) => void;
}

export type MemoryBusOptions = BusHooks;

export function createMemoryBus(opts: MemoryBusOptions = {}): Bus {
  return new MemoryBus(opts);
}

class MemoryBus implements Bus {
  readonly engine = 'memory' as const;
  private state: BusStatus = 'connected';
  private readonly subs = new Set<MemorySub>();
  private readonly roundRobin = new Map<string, number>();
  private readonly buckets = new Map<string, MemoryKv>();
  private readonly streams = new Map<string, MemoryStream>();
  private readonly pending = new Set<(err: Error) => void>();
  private readonly queue: DeliveryQueue;
  private inboxSeq = 0;

  constructor(opts: MemoryBusOptions) {
    this.queue = new DeliveryQueue(handlerErrorReporter(opts));
  }

  publish(subject: string, data: Uint8Array): void {
    this.assertOpen();
    this.route(subject, data);
  }

  subscribe(subject: string, handler: (msg: BusMessage) => void, opts: SubscribeOptions = {}): Subscription {
    this.assertOpen();
    const sub: MemorySub = { active: true, subject, queue: opts.queue, handler };
    this.subs.add(sub);
    return {
      unsubscribe: () => {
        sub.active = false;
        this.subs.delete(sub);
      },
    };
  }

  request(subject: string, data: Uint8Array, opts: RequestOptions): Promise<BusMessage> {
    if (this.state === 'closed') return Promise.reject(new BusClosedError());
    const inbox = `_INBOX.memory.${++this.inboxSeq}`;
    return new Promise<BusMessage>((resolve, reject) => {
      const finish = (err: Error | null, msg?: BusMessage): void => {
        clearTimeout(timer);
        sub.unsubscribe();
        this.pending.delete(fail);
        if (err) reject(err);
        else resolve(msg as BusMessage);
      };
      const fail = (err: Error): void => finish(err);
      const timer = setTimeout(() => finish(new BusTimeoutError(subject, opts.timeoutMs)), opts.timeoutMs);
      const sub = this.subscribe(inbox, (msg) => finish(null, msg));
      this.pending.add(fail);
      if (this.route(subject, data, inbox) === 0) finish(new BusNoResponderError(subject));
    });
  }

  async kv(bucket: string, opts: KvBucketOptions = {}): Promise<KvStore> {
    this.assertOpen();
    let kv = this.buckets.get(bucket);
    if (!kv) {
      kv = new MemoryKv(bucket, opts, {
        schedule: (label, run) => this.queue.push(label, run),
        assertOpen: () => this.assertOpen(),
      });
      this.buckets.set(bucket, kv);
    }
    return kv;
  }

  async stream(name: string, opts: StreamOptions): Promise<StreamStore> {
    this.assertOpen();
    let stream = this.streams.get(name);
    if (stream) {
      stream.reconfigure(opts);
      return stream;
    }
    stream = new MemoryStream(name, opts, {
      assertOpen: () => this.assertOpen(),
      deliver: (subject, data) => this.deliver(subject, data, undefined),
    });
    this.streams.set(name, stream);
    return stream;
  }

  status(): BusStatus {
    return this.state;
  }

  flush(): Promise<void> {
    return this.queue.whenIdle();
  }

  async drain(): Promise<void> {
    if (this.state === 'closed') return;
    await this.queue.whenIdle();
    await this.close();
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    for (const fail of [...this.pending]) fail(new BusClosedError());
    for (const sub of this.subs) sub.active = false;
    this.subs.clear();
    for (const kv of this.buckets.values()) kv.close();
    this.queue.clear();
  }

  private assertOpen(): void {
    if (this.state === 'closed') throw new BusClosedError();
  }

  /** Stores into capturing streams, then delivers; returns how many subscribers got it. */
  private route(subject: string, data: Uint8Array, reply?: string): number {
    if (!isLiteralSubject(subject)) throw new Error(`invalid publish subject "${subject}"`);
    for (const stream of this.streams.values()) {
      if (stream.captures(subject)) stream.store(subject, data);
    }
    return this.deliver(subject, data, reply);
  }

  private deliver(subject: string, data: Uint8Array, reply: string | undefined): number {
    const targets = this.targets(subject);
    if (targets.length === 0) return 0;
    const msg = this.message(subject, data, reply);
    for (const sub of targets) {
      this.queue.push(subject, () => {
        if (sub.active) sub.handler(msg);
      });
    }
    return targets.length;
  }

  /** Every plain subscriber, plus one member per queue group (round-robin). */
  private targets(subject: string): MemorySub[] {
    const out: MemorySub[] = [];
    const groups = new Map<string, MemorySub[]>();
    for (const sub of this.subs) {
      if (!subjectMatches(sub.subject, subject)) continue;
      if (sub.queue === undefined) {
        out.push(sub);
        continue;
      }
      const key = `${sub.subject} ${sub.queue}`;
      const members = groups.get(key);
      if (members) members.push(sub);
      else groups.set(key, [sub]);
    }
    for (const [key, members] of groups) {
      const turn = this.roundRobin.get(key) ?? 0;
      this.roundRobin.set(key, turn + 1);
      out.push(members[turn % members.length] as MemorySub);
    }
    return out;
  }

  private message(subject: string, data: Uint8Array, reply: string | undefined): BusMessage {
    return {
      subject,
      data,
      respond: (answer) => {
        if (reply === undefined || this.state === 'closed') return false;
        this.deliver(reply, answer, undefined);
        return true;
      },
    };
  }
}
