/**
 * Per-client brute-force protection for admin login and agent-key checks, kept in the
 * `<p>_registry` bucket so every replica sees the same counters. After two failures the client
 * must wait min(2^(n-1), 60) s between attempts; after `maxFailures` it is locked out for
 * `baseLockoutS · 2^(lockouts-1)` s (capped at one hour). A success clears the record.
 */
import { createHash } from 'node:crypto';
import { KvConflictError, type KvStore } from '@arcp/service-kit';
import { z } from 'zod';
import { decodeJsonOr, encodeJson } from '@arcp/protocol';

const MAX_LOCKOUT_S = 3600;
const MAX_BACKOFF_S = 60;

const StateSchema = z.object({
  failures: z.number().int().min(0),
  lockouts: z.number().int().min(0),
  last_failure_ms: z.number(),
  locked_until_ms: z.number(),
});
type LockoutState = z.infer<typeof StateSchema>;

export interface LockoutOptions {
  maxFailures: number;
  baseLockoutS: number;
  now: () => number;
}

export type LockoutVerdict = { allowed: true } | { allowed: false; retryAfterS: number; lockedOut: boolean };

export class LoginLockout {
  constructor(
    private readonly kv: KvStore,
    private readonly opts: LockoutOptions,
  ) {}

  /** Whether `client` may attempt now; when not, how many seconds to wait. */
  async check(client: string): Promise<LockoutVerdict> {
    const entry = await this.kv.get(this.key(client));
    const state = entry === null ? undefined : decodeJsonOr(StateSchema, entry.value);
    if (state === undefined) return { allowed: true };
    const now = this.opts.now();
    if (state.locked_until_ms > now) return { allowed: false, retryAfterS: secondsUntil(state.locked_until_ms, now), lockedOut: true };
    if (state.failures >= 2) {
      const until = state.last_failure_ms + Math.min(2 ** (state.failures - 1), MAX_BACKOFF_S) * 1000;
      if (until > now) return { allowed: false, retryAfterS: secondsUntil(until, now), lockedOut: false };
    }
    return { allowed: true };
  }

  /** Counts a failure; resolves true when this failure started a lockout. */
  async failure(client: string): Promise<boolean> {
    return this.mutate(client, (s) => {
      const now = this.opts.now();
      const failures = s.failures + 1;
      if (failures < this.opts.maxFailures) return { ...s, failures, last_failure_ms: now };
      const lockouts = s.lockouts + 1;
      const lockS = Math.min(this.opts.baseLockoutS * 2 ** (lockouts - 1), MAX_LOCKOUT_S);
      return { failures: 0, lockouts, last_failure_ms: now, locked_until_ms: now + lockS * 1000 };
    });
  }

  async success(client: string): Promise<void> {
    const entry = await this.kv.get(this.key(client));
    if (entry !== null && entry.operation === 'PUT') await this.kv.delete(this.key(client));
  }

  private async mutate(client: string, step: (s: LockoutState) => LockoutState): Promise<boolean> {
    const key = this.key(client);
    for (let attempt = 0; attempt < 5; attempt++) {
      const entry = await this.kv.get(key);
      const live = entry !== null && entry.operation === 'PUT';
      const prev = (live ? decodeJsonOr(StateSchema, entry.value) : null) ?? { failures: 0, lockouts: 0, last_failure_ms: 0, locked_until_ms: 0 };
      const next = step(prev);
      try {
        if (live) await this.kv.update(key, encodeJson(next), entry.revision);
        else await this.kv.create(key, encodeJson(next));
        return next.lockouts > prev.lockouts;
      } catch (err) {
        if (!(err instanceof KvConflictError)) throw err;
      }
    }
    return false;
  }

  /** Client addresses are hashed: KV keys stay token-safe and no IP is stored in clear. */
  private key(client: string): string {
    return `lockout.${createHash('sha256').update(client).digest('hex')}`;
  }
}

function secondsUntil(untilMs: number, nowMs: number): number {
  return Math.max(1, Math.ceil((untilMs - nowMs) / 1000));
}
