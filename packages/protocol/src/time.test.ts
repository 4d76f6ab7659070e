import { epochSeconds, isIso, isoUtc, isZonedIso, nowIso, nowMicros, parseIso, pyDateTime } from './time';
import type * as TimeModule from './time';

describe('nowIso / nowMicros', () => {
  it('formats now as ISO UTC with six fractional digits and Z', () => {
    expect(nowIso()).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
  });

  it('stays within a few ms of the wall clock', () => {
    expect(Math.abs(nowMicros() / 1000 - Date.now())).toBeLessThan(50);
  });

  it('never goes backwards and never repeats', () => {
    const readings = Array.from({ length: 10_000 }, () => nowMicros());
    const regressions = readings.filter((us, i) => i > 0 && us <= readings[i - 1]!);
    expect(regressions).toEqual([]);
  });
});

describe('isoUtc', () => {
  it('accepts Date, epoch ms and ISO text', () => {
    expect(isoUtc(new Date('2025-01-07T10:30:00Z'))).toBe('2025-01-07T10:30:00.000000Z');
    expect(isoUtc(1757280528934.468)).toBe('2025-09-07T21:28:48.934468Z');
    expect(isoUtc('2025-09-07T21:28:48.934468Z')).toBe('2025-09-07T21:28:48.934468Z');
  });

  it('converts offsets to UTC', () => {
    expect(isoUtc('2025-01-07T12:30:00.123456+02:00')).toBe('2025-01-07T10:30:00.123456Z');
    expect(isoUtc('2025-01-07T05:30:00-0500')).toBe('2025-01-07T10:30:00.000000Z');
  });

  it('rejects non-finite numbers', () => {
    expect(() => isoUtc(Number.NaN)).toThrow(RangeError);
  });
});

describe('pyDateTime', () => {
  it('renders Python str(datetime) with a space and always six digits', () => {
    expect(pyDateTime('2025-09-07T21:28:48.934468Z')).toBe('2025-09-07 21:28:48.934468');
    expect(pyDateTime('2025-01-07T10:30:00Z')).toBe('2025-01-07 10:30:00.000000');
    expect(pyDateTime(new Date(Date.UTC(2025, 0, 7, 7, 7, 2, 592)))).toBe('2025-01-07 07:07:02.592000');
  });
});

describe('epochSeconds', () => {
  it('converts ms and ISO text to float seconds with µs precision', () => {
    expect(epochSeconds(1757269784384.039)).toBe(1757269784.384039);
    expect(epochSeconds('2025-09-07T18:29:44.384039Z')).toBe(1757269784.384039);
  });

  it('defaults to now', () => {
    expect(Math.abs(epochSeconds() - Date.now() / 1000)).toBeLessThan(0.05);
  });
});

describe('parseIso', () => {
  it('keeps microseconds and treats zoneless text as UTC', () => {
    expect(parseIso('2025-09-07T21:28:48.934468')).toBe(parseIso('2025-09-07T21:28:48.934468Z'));
    expect(parseIso('2025-09-07 21:28:48.934468')).toBeCloseTo(1757280528934.468, 3);
    expect(parseIso('2025-01-07')).toBe(Date.UTC(2025, 0, 7));
  });

  it.each([
    '',
    'abc',
    '2025-13-01T00:00:00Z',
    '2025-02-30T00:00:00Z',
    '2025-01-07T24:00:00Z',
    '2025-01-07T10:60:00Z',
    '07/01/2025',
    '0025-01-01T00:00:00Z',
  ])('throws on %j', (s) => {
    expect(() => parseIso(s)).toThrow(RangeError);
  });

  it('isIso / isZonedIso tell zoned from zoneless text', () => {
    expect(isIso('2025-01-07T10:30:00')).toBe(true);
    expect(isZonedIso('2025-01-07T10:30:00')).toBe(false);
    expect(isZonedIso('2025-01-07T10:30:00+00:00')).toBe(true);
    expect(isZonedIso('nope')).toBe(false);
  });
});

describe('nowMicros on scripted clocks', () => {
  const W = 1_757_280_528_000; // wall clock, ms
  let wallMs = W;
  let hrNs = 0n;
  const advance = (ms: number) => (hrNs += BigInt(ms * 1_000_000));

  /** A fresh copy of the module: the clock anchors on its first reading. */
  function freshClock(): typeof TimeModule {
    let mod: typeof TimeModule | undefined;
    jest.isolateModules(() => {
      mod = jest.requireActual<typeof TimeModule>('./time');
    });
    return mod!;
  }

  beforeEach(() => {
    wallMs = W;
    // The monotonic clock's origin is arbitrary: here 10 ms ahead of the wall clock, so that only
    // anchoring on the first reading explains a first reading equal to the wall clock.
    hrNs = BigInt(W) * 1_000_000n + 10_000_000n;
    jest.spyOn(Date, 'now').mockImplementation(() => wallMs);
    jest.spyOn(process.hrtime, 'bigint').mockImplementation(() => hrNs);
  });
  afterEach(() => jest.restoreAllMocks());

  it('starts at the wall clock and adds monotonic microseconds', () => {
    const { nowMicros } = freshClock();
    expect(nowMicros()).toBe(W * 1000);
    advance(0.25);
    expect(nowMicros()).toBe(W * 1000 + 250);
  });

  it('re-anchors on the wall clock once the two drift more than 20 ms apart, not at 20 ms', () => {
    const { nowMicros } = freshClock();
    expect(nowMicros()).toBe(W * 1000);
    advance(20);
    expect(nowMicros()).toBe(W * 1000 + 20_000);
    advance(0.001); // 20.001 ms: re-anchored on the wall clock (the step back is smoothed)
    expect(nowMicros()).toBe(W * 1000 + 20_001);
    wallMs += 50;
    advance(50);
    expect(nowMicros()).toBe((W + 50) * 1000); // follows the new anchor, not the old one (+70.001 ms)
  });

  it('smooths a step back under one second and never repeats a reading', () => {
    const { nowMicros } = freshClock();
    expect(nowMicros()).toBe(W * 1000);
    expect(nowMicros()).toBe(W * 1000 + 1); // same clocks: one microsecond later
    wallMs -= 500;
    expect(nowMicros()).toBe(W * 1000 + 2);
    advance(1);
    expect(nowMicros()).toBe(W * 1000 + 3);
  });

  it('follows a step back of one second or more (a real clock change)', () => {
    const { nowMicros } = freshClock();
    expect(nowMicros()).toBe(W * 1000);
    wallMs -= 1000;
    expect(nowMicros()).toBe((W - 1000) * 1000);
  });
});

describe('parse details', () => {
  it('pads short fractions to microseconds and accepts surrounding spaces', () => {
    expect(parseIso('2025-01-07T10:30:00.5Z')).toBe(Date.UTC(2025, 0, 7, 10, 30, 0, 500));
    expect(parseIso(' 2025-01-07T10:30:00Z ')).toBe(Date.UTC(2025, 0, 7, 10, 30));
  });

  it('applies the minutes of an offset', () => {
    expect(isoUtc('2025-01-07T16:00:00+05:30')).toBe('2025-01-07T10:30:00.000000Z');
    expect(isoUtc('2025-01-07T05:15:00-0515')).toBe('2025-01-07T10:30:00.000000Z');
  });

  it('names the refused input in its RangeError', () => {
    expect(() => parseIso('abc')).toThrow('invalid ISO-8601 date-time: "abc"');
    expect(() => parseIso('2025-02-30')).toThrow('invalid ISO-8601 date-time: "2025-02-30"');
    expect(() => parseIso(5 as unknown as string)).toThrow(RangeError);
    expect(() => isoUtc(Number.NaN)).toThrow('invalid instant: NaN');
  });

  it('isZonedIso takes offsets with or without a colon, and trims', () => {
    expect(isZonedIso('2025-01-07T05:30:00-0500')).toBe(true);
    expect(isZonedIso(' 2025-01-07T10:30:00Z ')).toBe(true);
  });
});
