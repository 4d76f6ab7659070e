import { TokenBucket } from './rate-limit';

test('allows the burst, then refills at the sustained rate', () => {
  let now = 0;
  const bucket = new TokenBucket({ burst: 3, perSecond: 2 }, () => now);
  expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  now += 499;
  expect(bucket.take()).toBe(false);
  now += 1;
  expect(bucket.take()).toBe(true);
  now += 60_000;
  expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
});
