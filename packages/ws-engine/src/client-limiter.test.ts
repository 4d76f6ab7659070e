import { createClientLimiter } from './client-limiter';

describe('per-client HTTP rate limit', () => {
  it('allows the burst, refuses the next request, and refills over time', () => {
    let t = 0;
    const limiter = createClientLimiter({ burst: 3, perSecond: 2 }, 10, () => t);
    expect([1, 2, 3].map(() => limiter.allow('10.0.0.1'))).toEqual([true, true, true]);
    expect(limiter.allow('10.0.0.1')).toBe(false);
    // Another client has its own bucket.
    expect(limiter.allow('10.0.0.2')).toBe(true);
    t += 500;
    expect(limiter.allow('10.0.0.1')).toBe(true);
    expect(limiter.allow('10.0.0.1')).toBe(false);
    expect(limiter.retryAfterS()).toBe(1);
  });

  it('keeps at most maxClients buckets, evicting the least recently seen', () => {
    const limiter = createClientLimiter({ burst: 1, perSecond: 0.001 }, 2, () => 0);
    limiter.allow('a');
    limiter.allow('b');
    limiter.allow('a'); // a is now the most recent; b is evicted next
    limiter.allow('c');
    expect(limiter.size).toBe(2);
    expect(limiter.allow('a')).toBe(false); // still tracked: its bucket is empty
    expect(limiter.allow('b')).toBe(true); // evicted earlier: starts a fresh bucket
  });
});
