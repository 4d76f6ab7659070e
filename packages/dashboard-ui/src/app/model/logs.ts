/**
 * The log view's buffer. Connect bursts and refreshes carry the recent window, periodic frames
 * only what is new; merging by identity handles both without knowing which one arrived. Newest
 * first, bounded.
 */
import type { LogEntry } from '@arcp/protocol';

export const LOG_CAP = 2000;
export const LOG_LEVELS = ['INFO', 'SUCS', 'WARN', 'ERR', 'CRIT'] as const;

const identity = (e: LogEntry) => `${e.timestamp}\u0000${e.level}\u0000${e.source}\u0000${e.message}`;

export function mergeLogs(current: readonly LogEntry[], incoming: readonly LogEntry[], cap = LOG_CAP): LogEntry[] {
  const seen = new Set(current.map(identity));
  const fresh = incoming.filter((e) => {
    const id = identity(e);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  if (fresh.length === 0) return current as LogEntry[];
  const all = [...fresh, ...current];
  // Stable: entries of one instant keep the order the server gave them.
  all.sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp));
  return all.slice(0, cap);
}

export function filterLogs(logs: readonly LogEntry[], levels: ReadonlySet<string>, text: string): LogEntry[] {
  const needle = text.trim().toLowerCase();
  return logs.filter(
    (e) => levels.has(e.level) && (needle === '' || e.message.toLowerCase().includes(needle) || e.source.toLowerCase().includes(needle)),
  );
}
