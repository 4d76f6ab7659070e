/**
 * Shared validation pieces: the parse result type every protocol parser returns, a one-line
 * rendering of zod issues for error frames and problem details, and Python-style coercions.
 */
import * as z from 'zod';
import { isIso, isZonedIso } from './time';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** Longest issue list rendered into one message; the rest is summarised. */
const MAX_ISSUES = 5;

/**
 * Renders zod issues as `path: message; path: message` — short enough for an error frame,
 * specific enough to fix the input. The root path is shown as `(root)`.
 */
export function formatIssues(error: z.ZodError): string {
  const shown = error.issues.slice(0, MAX_ISSUES).map((issue) => {
    const path = issue.path.length ? issue.path.map(String).join('.') : '(root)';
    return `${path}: ${issue.message}`;
  });
  const more = error.issues.length - shown.length;
  return more > 0 ? `${shown.join('; ')}; and ${more} more` : shown.join('; ');
}

/** `schema.safeParse` returning a `ParseResult` with a formatted message. */
export function safeParseWith<S extends z.ZodType>(schema: S, value: unknown): ParseResult<z.output<S>> {
  const r = schema.safeParse(value);
  return r.success ? { ok: true, value: r.data } : { ok: false, error: formatIssues(r.error) };
}

const PY_INT_TEXT = /^\s*[+-]?\d+(?:_\d+)*\s*$/;

/**
 * Python's `int(x)` on a JSON value: integers and integer text (surrounding whitespace,
 * sign and `_` separators allowed), floats truncated toward zero, booleans as 0/1. Anything
 * else (null, "abc", "2.5", objects, non-finite) is `undefined`.
 */
export function pyInt(value: unknown): number | undefined {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : undefined;
  if (typeof value === 'string' && PY_INT_TEXT.test(value)) return Number(value.replace(/_/g, '').trim());
  return undefined;
}

/**
 * Python's `str(x)` for the JSON values a message `type` can hold, used in
 * "Unknown message type: <type>".
 */
export function pyStr(value: unknown): string {
  if (value === undefined || value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

/** Python truthiness of a JSON value: null, false, 0, "", [] and {} are false. */
export function pyTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (isPlainObject(value)) return Object.keys(value).length > 0;
  return Boolean(value);
}

/** Plain JSON object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Pydantic's lax integer: a JSON integer, or text holding one. Booleans and fractional values
 * are refused.
 */
export const laxInt = z.union([
  z.number().int(),
  z
    .string()
    .trim()
    .regex(/^[+-]?\d+$/)
    .transform(Number),
]);

/** Any ISO-8601 date-time we can read (zone optional; zoneless means UTC). */
export const IsoDateTime = z.string().refine(isIso, { message: 'Invalid ISO-8601 date-time' });

/** ISO-8601 date-time that carries `Z` or an offset — what every frame timestamp must be. */
export const ZonedIsoDateTime = z.string().refine(isZonedIso, { message: 'Invalid ISO-8601 date-time with zone' });

/** Python `str(datetime)`: `YYYY-MM-DD HH:MM:SS[.ffffff]` (microseconds omitted when zero). */
export const PyDateTimeText = z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?$/, {
  message: 'Expected "YYYY-MM-DD HH:MM:SS.ffffff"',
});
