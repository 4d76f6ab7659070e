/**
 * The one leader election of the product, over one KV key with compare-and-set: exactly one
 * replica does a job that must not run twice (the metrics service's frame producer, the
 * registry's liveness sweeper). The holder renews every TTL/3; a standby takes over once it has
 * seen the same revision for a whole TTL by its own clock (no clock agreement between replicas
 * needed), or at once when the key is gone or released. A holder that cannot renew for a TTL
 * steps down by itself.
 */
import { decodeJsonOr, encodeJson } from '@arcp/protocol';
import { z } from 'zod';
import type { KvEntry, KvStore } from './bus/bus';
import { KvConflictError } from './bus/errors';
import type { LoggerLike } from './http/server-port';

/** What the lease key holds: the holder (null once released) and the holder's handover state. */
export interface LeaseValue {
  holder: string | null;
  state?: Record<string, unknown>;
}

export interface LeaseOptions {
  kv: KvStore;
  key: string;
  instance: string;
  ttlMs: number;
  now: () => number;
  logger: LoggerLike;
  /** What the lease is for, in log lines (e.g. `dashboard producer`). */
  role: string;
  /** State written with every renewal, handed to the next holder (e.g. a stream cursor). */
  state?: () => Record<string, unknown>;
  /** Called on every change of leadership; `previous` is the last holder's handover state. */
  onChange?: (leader: boolean, previous?: Record<string, unknown>) => void;
}

const LeaseValueSchema = z.object({ holder: z.string().nullable(), state: z.record(z.string(), z.unknown()).optional() });

function readValue(entry: KvEntry): LeaseValue | null {
  return decodeJsonOr(LeaseValueSchema, entry.value) ?? null;
}

export class LeaderLease {
  private leader = false;
  private revision = 0;
  private lastRenewAt = 0;
  private observed = { revision: -1, at: 0 };
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly opts: LeaseOptions) {}

  isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    const period = Math.max(10, Math.floor(this.opts.ttlMs / 3));
    this.timer = setInterval(() => void this.tick(), period);
    this.timer.unref();
    void this.tick();
  }

  /** One election round; rounds never overlap. */
  tick(): Promise<void> {
    this.running ??= this.round().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Stops renewing and hands the lease over at once (CAS, so a lost lease is left alone). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    if (!this.leader) return;
    this.setLeader(false);
    try {
      await this.opts.kv.update(this.opts.key, this.encode(null), this.revision);
    } catch (err) {
      this.opts.logger.warn({ err, role: this.opts.role }, 'could not release the lease; it will expire');
    }
  }

  private async round(): Promise<void> {
    try {
      const entry = await this.opts.kv.get(this.opts.key);
      if (this.leader) await this.renew(entry);
      else await this.contend(entry);
    } catch (err) {
      if (this.leader && this.opts.now() - this.lastRenewAt >= this.opts.ttlMs) {
        // A standby may already hold the lease: producing now could double every frame.
        this.opts.logger.warn({ err, role: this.opts.role }, 'lease not renewed within its TTL; stepping down');
        this.setLeader(false);
      } else if (!(err instanceof KvConflictError)) {
        this.opts.logger.warn({ err, role: this.opts.role }, 'lease round failed');
      }
    }
  }

  private async renew(entry: KvEntry | null): Promise<void> {
    const value = entry?.operation === 'PUT' ? readValue(entry) : null;
    if (!entry || value?.holder !== this.opts.instance || entry.revision !== this.revision) {
      this.opts.logger.warn({ holder: value?.holder ?? null, role: this.opts.role }, 'lease lost');
      this.setLeader(false);
      return;
    }
    await this.write(entry, null);
  }

  private async contend(entry: KvEntry | null): Promise<void> {
    const value = entry?.operation === 'PUT' ? readValue(entry) : null;
    if (!entry || entry.operation !== 'PUT') return this.acquire(null, undefined);
    if (value?.holder && value.holder !== this.opts.instance) {
      const now = this.opts.now();
      if (entry.revision !== this.observed.revision) this.observed = { revision: entry.revision, at: now };
      if (now - this.observed.at < this.opts.ttlMs) return;
    }
    return this.acquire(entry, value?.state);
  }

  private async acquire(entry: KvEntry | null, previous: Record<string, unknown> | undefined): Promise<void> {
    try {
      await this.write(entry, previous ?? null);
    } catch (err) {
      if (err instanceof KvConflictError) return; // another standby won this round
      throw err;
    }
  }

  /** Creates (no entry) or CAS-updates the key as holder; becomes leader on success. */
  private async write(entry: KvEntry | null, previous: Record<string, unknown> | null): Promise<void> {
    const data = this.encode(this.opts.instance);
    const live = entry?.operation === 'PUT';
    this.revision = live ? await this.opts.kv.update(this.opts.key, data, entry.revision) : await this.opts.kv.create(this.opts.key, data);
    this.lastRenewAt = this.opts.now();
    if (!this.leader) {
      this.opts.logger.info({ holder: this.opts.instance, role: this.opts.role }, 'took the lease');
      this.setLeader(true, previous ?? undefined);
    }
  }

  private encode(holder: string | null): Uint8Array {
    const value: LeaseValue = { holder, state: this.opts.state?.() };
    return encodeJson(value);
  }

  private setLeader(leader: boolean, previous?: Record<string, unknown>): void {
    this.leader = leader;
    this.opts.onChange?.(leader, previous);
  }
}
