/** Building and bounding dashboard log entries the way the reference's add_log_entry does. */
import { type LogEntry } from '@arcp/protocol';

/** Messages longer than `max` keep `max - 3` characters plus "..." (reference §1.4). */
export function truncateMessage(message: string, max: number): string {
  return message.length > max ? `${message.slice(0, Math.max(0, max - 3))}...` : message;
}

export function boundEntry(entry: LogEntry, maxMessage: number): LogEntry {
  const message = truncateMessage(entry.message, maxMessage);
  return message === entry.message ? entry : { ...entry, message };
}
