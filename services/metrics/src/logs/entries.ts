/** Building and bounding dashboard log entries the way the reference's add_log_entry does. */
import { type LogEntry } from '@arcp/protocol';

/** Messages longer than `max` keep `max - 3` characters plus "..." (as in the original ARCP server). */
export function truncateMessage(message: string, max: number): string {
  return message.length > max ? `${message.slice(0, Math.max(0, max - 3))}...` : message;
}

export function boundEntry(entry: LogEntry, maxMessage: number): LogEntry {
  const message = truncateMessage(entry.message, maxMessage);
  return message === entry.message ? entry : { ...entry, message };
}

/**
 * Protocol `logEntry` without its fixed 2048-character cut, for text that reaches this service
 * whole (a dashboard's own line): the LogStore cuts it at DASHBOARD_LOG_MESSAGE_MAXLEN instead.
 */
export function wholeLogEntry(level: string, message: string, source: string, extra: Record<string, unknown>, at: string): LogEntry {
  return { ...extra, timestamp: at, level: level.toUpperCase(), message, source };
}
