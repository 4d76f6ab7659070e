/**
 * Per-client brute-force protection for admin login and agent-key checks, kept in the
 * `<p>_registry` bucket so every replica sees the same counters. After two failures the client
 * must wait min(2^(n-1), 60) s between attempts; after `maxFailures` it is locked out for
 * `baseLockoutS · 2^(lockouts-1)` s (capped at one hour). A success clears the record.
 *
 * Each credential has its own record per client (`scope`): an agent host that keeps sending a stale
 * agent key never locks the operator behind the same address (a NAT, a proxy) out of the login.
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

/** What is being guessed: the admin login, or an agent registration key. */
export type LockoutScope = 'admin_login' | 'agent_key';

export type LockoutVerdict = { allowed: true } | { allowed: false; retryAfterS: number; lockedOut: boolean };

export class LoginLockout {
  constructor(
    private readonly kv: KvStore,
    private readonly opts: LockoutOptions,
  ) {}

  /** Whether `client` may attempt now; when not, how many seconds to wait. */
  async check(scope: LockoutScope, client: string): Promise<LockoutVerdict> {
    const entry = await this.kv.get(this.key(scope, client));
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

  /** Counts a failure; resolves the lockout's length in seconds when this failure started one, else 0. */
  async failure(scope: LockoutScope, client: string): Promise<number> {
    let lockS = 0;
    const started = await this.mutate(this.key(scope, client), (s) => {
      const now = this.opts.now();
      const failures = s.failures + 1;
      if (failures < this.opts.maxFailures) return { ...s, failures, last_failure_ms: now };
      const lockouts = s.lockouts + 1;
      lockS = Math.min(this.opts.baseLockoutS * 2 ** (lockouts - 1), MAX_LOCKOUT_S);
      return { failures: 0, lockouts, last_failure_ms: now, locked_until_ms: now + lockS * 1000 };
    });
    return started ? lockS : 0;
  }

  async success(scope: LockoutScope, client: string): Promise<void> {
    const key = this.key(scope, client);
    const entry = await this.kv.get(key);
    if (entry !== null && entry.operation === 'PUT') await this.kv.delete(key);
  }

  private async mutate(key: string, step: (s: LockoutState) => LockoutState): Promise<boolean> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const entry = await this.kv.get(key);
      const live = entry !== null && entry.operation === 'PUT';
      const prev = (live ? decodeJsonOr(StateSchema, entry.value) : null) ?? {
        failures: 0,
        lockouts: 0,
        last_failure_ms: 0,
        locked_until_ms: 0,
      };
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
  private key(scope: LockoutScope, client: string): string {
    return `lockout.${scope}.${createHash('sha256').update(client).digest('hex')}`;
  }
}

function secondsUntil(untilMs: number, nowMs: number): number {
  return Math.max(1, Math.ceil((untilMs - nowMs) / 1000));
}
