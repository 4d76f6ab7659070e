/**
 * Dashboard logs in a bounded JetStream stream (memory stream in the standalone process), so
 * they survive a restart of the metrics service and `clear_logs` really clears them. A stored
 * record wraps the entry with `broadcast` when a command already sent it to every dashboard,
 * so the producer's periodic frame does not send it twice.
 */
import { decodeJsonOr, encodeJson, type LogEntry } from '@arcp/protocol';
import { z } from 'zod';
import { type StoredMessage, type StreamStore } from '@arcp/service-kit';
import { boundEntry } from '../logs/entries';

/**
 * Largest JSON of log entries in one frame or command reply: with its envelope it must fit one
 * NATS message (1 MiB by default), whatever DASHBOARD_LOG_WINDOW and the message limit allow.
 */
export const LOG_FRAME_BYTES = 512 * 1024;

interface StoredLog {
  entry: LogEntry;
  broadcast?: boolean;
}

export interface NewLogs {
  /** Entries new since the cursor that still need a periodic frame, newest first. */
  entries: LogEntry[];
  /** The cursor to use next time. */
  cursor: number;
}

export class LogStore {
  constructor(
    private readonly stream: StreamStore,
    private readonly subject: string,
    /** DASHBOARD_LOG_MESSAGE_MAXLEN, applied here so every way into the store obeys it. */
    private readonly maxMessage: number,
  ) {}

  /** Stores an entry, its message cut to the configured limit (the stored entry is returned). */
  async append(entry: LogEntry, opts: { broadcast?: boolean } = {}): Promise<LogEntry> {
    const bounded = boundEntry(entry, this.maxMessage);
    const record: StoredLog = opts.broadcast ? { entry: bounded, broadcast: true } : { entry: bounded };
    await this.stream.append(this.subject, encodeJson(record));
    return bounded;
  }

  /**
   * The newest entries for a dashboard's first frame, newest first: at most `limit`, and no more
   * than `maxBytes` of JSON so the reply fits in one NATS message.
   */
  async recent(limit: number, maxBytes: number): Promise<LogEntry[]> {
    const messages = await this.stream.last(limit);
    const out: LogEntry[] = [];
    let bytes = 0;
    for (let i = messages.length - 1; i >= 0; i--) {
      bytes += messages[i]!.data.byteLength;
      if (bytes > maxBytes) break;
      const record = decodeStored(messages[i]!);
      if (record) out.push(record.entry);
    }
    return out;
  }

  /** Sequence of the newest stored entry (0 when empty). */
  async lastSeq(): Promise<number> {
    const [newest] = await this.stream.last(1);
    return newest?.seq ?? 0;
  }

  /**
   * Entries stored after `cursor`, at most `limit` and `maxBytes` of them (the newest ones: a
   * backlog larger than a frame is skipped, it stays available to refresh and connect).
   */
  async since(cursor: number, limit: number, maxBytes: number): Promise<NewLogs> {
    const newest = await this.lastSeq();
    if (newest <= cursor) return { entries: [], cursor: Math.min(cursor, newest) };
    const from = Math.max(cursor, newest - limit);
    const messages = await this.stream.after(from, limit);
    const entries: LogEntry[] = [];
    let bytes = 0;
    for (let i = messages.length - 1; i >= 0; i--) {
      const record = decodeStored(messages[i]!);
      if (!record || record.broadcast) continue;
      bytes += messages[i]!.data.byteLength;
      if (bytes > maxBytes) break;
      entries.push(record.entry);
    }
    return { entries, cursor: messages.at(-1)?.seq ?? newest };
  }

  purge(): Promise<void> {
    return this.stream.purge();
  }
}

/** The stored shape; entries were validated before they were stored, so the envelope is checked. */
const StoredLogSchema = z.looseObject({ entry: z.looseObject({}), broadcast: z.boolean().optional() });

/** A record this version cannot read is skipped rather than breaking every dashboard. */
function decodeStored(m: StoredMessage): StoredLog | null {
  return (decodeJsonOr(StoredLogSchema, m.data) as StoredLog | undefined) ?? null;
}
