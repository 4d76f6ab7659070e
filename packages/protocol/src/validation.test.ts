import * as z from 'zod';
import { formatIssues, isPlainObject, pyInt, pyStr, pyTruthy, safeParseWith } from './validation';

const issuesOf = (schema: z.ZodType, value: unknown): z.ZodError => {
  const r = schema.safeParse(value);
  if (r.success) throw new Error('expected a parse failure');
  return r.error;
};

describe('formatIssues', () => {
  it('renders nested paths with dots and the root as (root)', () => {
    expect(formatIssues(issuesOf(z.object({ a: z.object({ b: z.array(z.number()) }) }), { a: { b: [1, 'x'] } }))).toBe(
      'a.b.1: Invalid input: expected number, received string',
    );
    expect(formatIssues(issuesOf(z.string(), 5))).toBe('(root): Invalid input: expected string, received number');
  });

  it('shows five issues in full and summarises the rest', () => {
    const five = z.object({ a: z.string(), b: z.string(), c: z.string(), d: z.string(), e: z.string() });
    const fiveText = formatIssues(issuesOf(five, {}));
    expect(fiveText.split('; ').map((part) => part.split(':')[0])).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(fiveText).not.toContain('more');

    const seven = five.extend({ f: z.string(), g: z.string() });
    const sevenText = formatIssues(issuesOf(seven, {}));
    expect(sevenText.startsWith(`${fiveText}; `)).toBe(true);
    expect(sevenText.endsWith('; and 2 more')).toBe(true);
    expect(sevenText).not.toContain('f:');
  });
});

describe('safeParseWith', () => {
  it('returns the parsed value, or the formatted issues', () => {
    const schema = z.object({ n: z.coerce.number() });
    expect(safeParseWith(schema, { n: '4' })).toEqual({ ok: true, value: { n: 4 } });
    expect(safeParseWith(schema, { n: 'x' })).toEqual({ ok: false, error: 'n: Invalid input: expected number, received NaN' });
  });
});

describe('pyInt', () => {
  it('reads integers, integer text with sign, spaces and underscores, truncates floats, and maps booleans', () => {
    expect(pyInt(7)).toBe(7);
    expect(pyInt(-2.9)).toBe(-2);
    expect(pyInt(true)).toBe(1);
    expect(pyInt(false)).toBe(0);
    expect(pyInt(' +42 ')).toBe(42);
    expect(pyInt('-1_000')).toBe(-1000);
  });

  it('refuses what Python int() refuses', () => {
    for (const value of [null, undefined, 'abc', '2.5', '1__0', '_1', '', {}, [], [7], Infinity, NaN]) expect(pyInt(value)).toBeUndefined();
  });
});

describe('pyStr', () => {
  it('prints scalars the way Python str() does, objects and arrays as JSON text', () => {
    expect(pyStr(null)).toBe('None');
    expect(pyStr(undefined)).toBe('None');
    expect(pyStr(true)).toBe('True');
    expect(pyStr(false)).toBe('False');
    expect(pyStr('ping')).toBe('ping');
    expect(pyStr(12)).toBe('12');
    expect(pyStr(1.5)).toBe('1.5');
    expect(pyStr({ a: 1 })).toBe('{"a":1}');
    expect(pyStr([1, 'x'])).toBe('[1,"x"]');
  });
});

describe('pyTruthy', () => {
  it('is false for null, false, 0, "", [] and {}, true otherwise', () => {
    for (const value of [null, undefined, false, 0, '', [], {}]) expect(pyTruthy(value)).toBe(false);
    for (const value of [true, 1, -1, 'x', [0], { a: 0 }]) expect(pyTruthy(value)).toBe(true);
  });
});

describe('isPlainObject', () => {
  it('accepts objects only, not null or arrays', () => {
    expect(isPlainObject({})).toBe(true);
    for (const value of [null, [], 'x', 1, undefined]) expect(isPlainObject(value)).toBe(false);
  });
});
