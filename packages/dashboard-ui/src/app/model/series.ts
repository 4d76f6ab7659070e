/**
 * The overview's time series: one sample per `monitoring` frame, the last ten minutes, as the
 * column arrays uPlot draws (`t` in epoch seconds). Each push returns new arrays, so a view
 * holding the previous set keeps a consistent snapshot.
 */
export const SERIES_WINDOW_S = 600;

export const SERIES_KEYS = ['agents_total', 'agents_alive', 'requests', 'response_ms', 'error_pct', 'cpu', 'memory', 'network'] as const;
export type SeriesKey = (typeof SERIES_KEYS)[number];

export interface SeriesSet {
  readonly t: readonly number[];
  readonly values: Readonly<Record<SeriesKey, readonly (number | null)[]>>;
}

export function emptySeries(): SeriesSet {
  return { t: [], values: Object.fromEntries(SERIES_KEYS.map((k) => [k, []])) as unknown as SeriesSet['values'] };
}

/** Adds a sample at `atS` and drops those older than the window; out-of-order samples are ignored. */
export function pushSample(
  set: SeriesSet,
  atS: number,
  sample: Readonly<Record<SeriesKey, number | null>>,
  windowS = SERIES_WINDOW_S,
): SeriesSet {
  const last = set.t[set.t.length - 1];
  if (last !== undefined && atS <= last) return set;
  let from = 0;
  while (from < set.t.length && set.t[from]! < atS - windowS) from += 1;
  const values = {} as Record<SeriesKey, (number | null)[]>;
  for (const k of SERIES_KEYS) values[k] = [...set.values[k].slice(from), sample[k]];
  return { t: [...set.t.slice(from), atS], values };
}
