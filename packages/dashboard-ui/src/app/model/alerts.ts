/**
 * Active alerts: the connect burst replays persisted ones (with id, title and time), periodic and
 * refresh frames carry the live shape (severity, message, type, details; the frame's time). One
 * entry per alert, newest first; `clear_alerts` empties the list once acknowledged.
 */
import type { AlertData, AlertSeverity } from '@arcp/protocol';

export const ALERT_CAP = 200;

export interface AlertItem {
  readonly key: string;
  readonly severity: AlertSeverity;
  readonly title: string;
  readonly message: string;
  readonly type: string;
  /** ISO-8601 UTC. */
  readonly at: string;
}

function titleOf(type: string): string {
  const words = type.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function toAlertItems(data: AlertData, frameAt: string): AlertItem[] {
  return data.alerts.map((a) => {
    if ('id' in a) {
      return {
        key: a.id ?? `${a.type}|${a.severity}|${a.message}|${a.timestamp}`,
        severity: a.severity,
        title: a.title,
        message: a.message,
        type: a.type,
        at: a.timestamp,
      };
    }
    return {
      key: `${a.type}|${a.severity}|${a.message}|${frameAt}`,
      severity: a.severity,
      title: titleOf(a.type),
      message: a.message,
      type: a.type,
      at: frameAt,
    };
  });
}

export function mergeAlerts(current: readonly AlertItem[], incoming: readonly AlertItem[], cap = ALERT_CAP): AlertItem[] {
  const keys = new Set(incoming.map((a) => a.key));
  const all = [...incoming, ...current.filter((a) => !keys.has(a.key))];
  all.sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  return all.slice(0, cap);
}

const RANK: Record<AlertSeverity, number> = { critical: 0, warning: 1, info: 2 };

/** Counts per severity, most severe first (for the overview's summary). */
export function severityCounts(alerts: readonly AlertItem[]): Array<[AlertSeverity, number]> {
  const counts = new Map<AlertSeverity, number>();
  for (const a of alerts) counts.set(a.severity, (counts.get(a.severity) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => RANK[a[0]] - RANK[b[0]]);
}
