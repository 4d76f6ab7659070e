import { epochSeconds, isIso, isoUtc, isZonedIso, nowIso, nowMicros, parseIso, pyDateTime } from './time';

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

describe('parse details', () => {
  it('pads short fractions to microseconds and accepts surrounding spaces', () => {
    expect(parseIso('2025-01-07T10:30:00.5Z')).toBe(Date.UTC(2025, 0, 7, 10, 30, 0, 500));
    expect(isoUtc('2025-01-07T10:30:00.1234567Z')).toBe('2025-01-07T10:30:00.123456Z'); // beyond µs: cut
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
