/**
 * Every clock reading and time format on the wire: ISO-8601 UTC with microseconds and `Z`, the
 * Python `str(datetime)` form used inside agent records, and epoch-float seconds.
 */

/** Re-anchor the microsecond clock to the wall clock once they drift apart by more than this. */
const MAX_DRIFT_US = 20_000;
/** A backwards step smaller than this is smoothed over; a larger one is a real clock change. */
const MAX_SMOOTHED_STEP_US = 1_000_000;

// Anchored on the first reading, not at import: importing the protocol needs no Node global, so
// a browser page can validate frames with these schemas (the operator dashboard does).
let anchorWallUs = 0;
let anchorHr = 0n;
let lastUs = 0;

/**
 * Microseconds since the epoch. Sub-millisecond digits come from the monotonic hrtime clock,
 * anchored to `Date.now()`; consecutive readings never go backwards (small regressions caused by
 * re-anchoring are smoothed), so two events stamped in order keep their order.
 */
export function nowMicros(): number {
  const wallUs = Date.now() * 1000;
  if (anchorWallUs === 0) {
    anchorWallUs = wallUs;
    anchorHr = process.hrtime.bigint();
  }
  let us = anchorWallUs + Number((process.hrtime.bigint() - anchorHr) / 1000n);
  if (Math.abs(us - wallUs) > MAX_DRIFT_US) {
    anchorWallUs = wallUs;
    anchorHr = process.hrtime.bigint();
    us = wallUs;
  }
  if (us <= lastUs && lastUs - us < MAX_SMOOTHED_STEP_US) us = lastUs + 1;
  lastUs = us;
  return us;
}

/** Now as ISO-8601 UTC with six fractional digits: `2025-09-07T21:28:48.934468Z`. */
export function nowIso(): string {
  return formatMicros(nowMicros(), 'T') + 'Z';
}

/** Any instant (Date, epoch milliseconds, or ISO text) as ISO-8601 UTC with six digits and `Z`. */
export function isoUtc(d: Date | number | string): string {
  return formatMicros(toMicros(d), 'T') + 'Z';
}

/** Python's `str(datetime)` for a UTC instant, always with six digits: `2025-09-07 21:28:48.934468`. */
export function pyDateTime(iso: string | Date): string {
  return formatMicros(toMicros(iso), ' ');
}

/** Epoch seconds as a float with microsecond precision (`time.time()`); now when no argument. */
export function epochSeconds(msOrIso?: number | string): number {
  const us = msOrIso === undefined ? nowMicros() : toMicros(msOrIso);
  return us / 1e6;
}

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * Parses ISO-8601 text into epoch milliseconds (fractional part keeps microseconds). Accepts a
 * space or `T` separator, 1+ fractional digits and `Z`/`±HH:MM`/`±HHMM`; text without a zone is
 * UTC (every instant we store is UTC). Throws `RangeError` on anything else.
 */
export function parseIso(s: string): number {
  const m = typeof s === 'string' ? ISO_RE.exec(s.trim()) : null;
  if (!m) throw new RangeError(`invalid ISO-8601 date-time: ${JSON.stringify(s)}`);
  const [y, mo, d, h = 0, mi = 0, sec = 0] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((v) => Number(v ?? 0));
  const wholeMs = Date.UTC(y!, mo! - 1, d!, h, mi, sec);
  const check = new Date(wholeMs);
  if (
    Number.isNaN(wholeMs) ||
    check.getUTCFullYear() !== y ||
    check.getUTCMonth() !== mo! - 1 ||
    check.getUTCDate() !== d ||
    check.getUTCHours() !== h ||
    check.getUTCMinutes() !== mi ||
    check.getUTCSeconds() !== sec
  ) {
    throw new RangeError(`invalid ISO-8601 date-time: ${JSON.stringify(s)}`);
  }
  const fracUs = Number((m[7] ?? '').padEnd(6, '0').slice(0, 6));
  return wholeMs + fracUs / 1000 - zoneOffsetMs(m[8]);
}

/** True when `s` parses with `parseIso`. */
export function isIso(s: string): boolean {
  try {
    parseIso(s);
    return true;
  } catch {
    return false;
  }
}

/** True when `s` is ISO-8601 that names its zone (`Z` or an offset), as frame timestamps must. */
export function isZonedIso(s: string): boolean {
  return isIso(s) && /(?:Z|[+-]\d{2}:?\d{2})$/i.test(s.trim());
}

function zoneOffsetMs(zone: string | undefined): number {
  if (!zone || zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
}

function toMicros(d: Date | number | string): number {
  let ms: number;
  if (d instanceof Date) ms = d.getTime();
  else if (typeof d === 'number') ms = d;
  else ms = parseIso(d);
  if (!Number.isFinite(ms)) throw new RangeError(`invalid instant: ${String(d)}`);
  return Math.round(ms * 1000);
}

function formatMicros(us: number, sep: 'T' | ' '): string {
  const ms = Math.floor(us / 1000);
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  const frac = String(us - Math.floor(us / 1e6) * 1e6).padStart(6, '0');
  return `${iso.slice(0, 10)}${sep}${iso.slice(11, 19)}.${frac}`;
}
