/**
 * Per-client request rate limit for the HTTP API: one token bucket per peer address, kept in a
 * bounded map (oldest client evicted first) so a spray of addresses cannot grow memory.
 */
import type { RateLimit } from '@arcp/service-kit';
import { TokenBucket } from './rate-limit';

export interface ClientLimiter {
  /** True when the client may make one more request now. */
  allow(client: string): boolean;
  /** Seconds a refused client should wait for one token. */
  retryAfterS(): number;
  readonly size: number;
}

export function createClientLimiter(limit: RateLimit, maxClients = 10_000, now: () => number = Date.now): ClientLimiter {
  const buckets = new Map<string, TokenBucket>();
  return {
    allow(client) {
      let bucket = buckets.get(client);
      if (bucket) {
        // Re-insert so Map order tracks recency and eviction drops the least recent client.
        buckets.delete(client);
      } else {
        bucket = new TokenBucket(limit, now);
        if (buckets.size >= maxClients) buckets.delete(buckets.keys().next().value as string);
      }
      buckets.set(client, bucket);
      return bucket.take();
    },
    retryAfterS: () => Math.max(1, Math.ceil(1 / limit.perSecond)),
    get size() {
      return buckets.size;
    },
  };
}
