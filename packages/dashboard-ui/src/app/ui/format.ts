/** Number and time formats of the views. */
export const fmtInt = (n: number): string => Math.round(n).toLocaleString('en');
export const fmtFixed = (n: number, digits: number): string =>
  n.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
export const fmtTime = (iso: string | number): string => new Date(iso).toLocaleTimeString('en-GB', { hour12: false });
export const fmtDateTime = (iso: string): string => new Date(iso).toLocaleString('en-GB', { hour12: false });

/** "0.4 s", "18 s", "3 min". */
export function fmtAge(ms: number): string {
  if (ms < 10_000) return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.round(ms / 60_000)} min`;
}
