import { createExpiryClock } from './expiry';

describe('expiry clock', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('closes every socket of an instant at that instant, with one timer for all of them', () => {
    const expired: string[] = [];
    const clock = createExpiryClock<string>((c) => expired.push(c));
    const group = clock.add('a', 1_005_000);
    expect(clock.add('b', 1_005_000)).toBe(group);
    clock.add('c', 1_006_000);
    expect(clock.size()).toBe(2);
    expect(jest.getTimerCount()).toBe(2);
    jest.advanceTimersByTime(4_999);
    expect(expired).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(expired).toEqual(['a', 'b']);
    jest.advanceTimersByTime(1_000);
    expect(expired).toEqual(['a', 'b', 'c']);
    expect(clock.size()).toBe(0);
  });

  it('forgets a socket that closed, and the instant once its last socket left', () => {
    const expired: string[] = [];
    const clock = createExpiryClock<string>((c) => expired.push(c));
    const group = clock.add('a', 1_005_000)!;
    clock.add('b', 1_005_000);
    group.leave('a');
    expect(clock.size()).toBe(1);
    group.leave('b');
    expect(clock.size()).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(10_000);
    expect(expired).toEqual([]);
  });

  it('closes at once a socket whose credential has already expired', () => {
    const expired: string[] = [];
    const clock = createExpiryClock<string>((c) => expired.push(c));
    expect(clock.add('a', 1_000_000)).toBeUndefined();
    expect(expired).toEqual(['a']);
    expect(clock.size()).toBe(0);
  });

  it('reaches an expiry past the longest timer in several steps', () => {
    const expired: string[] = [];
    const clock = createExpiryClock<string>((c) => expired.push(c));
    const max = 2 ** 31 - 1;
    clock.add('a', 1_000_000 + max + 5_000);
    jest.advanceTimersByTime(max);
    expect(expired).toEqual([]);
    jest.advanceTimersByTime(5_000);
    expect(expired).toEqual(['a']);
  });

  it('stop clears every timer', () => {
    const clock = createExpiryClock<string>(() => undefined);
    clock.add('a', 1_005_000);
    clock.add('b', 1_007_000);
    clock.stop();
    expect(jest.getTimerCount()).toBe(0);
    expect(clock.size()).toBe(0);
  });
});
