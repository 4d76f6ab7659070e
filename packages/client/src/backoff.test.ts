import { backoffDelay, DEFAULT_BACKOFF } from './backoff';

describe('backoffDelay', () => {
  it('grows exponentially up to the cap, within the jitter band', () => {
    const opts = { ...DEFAULT_BACKOFF, initialDelayMs: 100, maxDelayMs: 1000, minShare: 0.5 };
    expect([1, 2, 3, 4, 5, 9].map((a) => backoffDelay(a, opts, () => 0.999999))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(a, opts, () => 0))).toEqual([50, 100, 200, 400, 500]);
  });

  it('spreads simultaneous clients over the band', () => {
    const delays = new Set(Array.from({ length: 200 }, () => backoffDelay(3)));
    expect(delays.size).toBeGreaterThan(50);
    for (const d of delays) {
      expect(d).toBeGreaterThanOrEqual(2000 * DEFAULT_BACKOFF.minShare);
      expect(d).toBeLessThanOrEqual(2000);
    }
  });
});
