/**
 * The memory engine's bounded stream: captures messages published on its subjects, numbers
 * them with a sequence that never goes back (not even after purge), and keeps the newest
 * `maxMsgs` (discard old), like a JetStream limits stream.
 */
import { type StoredMessage, type StreamOptions, type StreamStore } from './bus';
import { BusNoResponderError } from './errors';
import { subjectMatches } from './subject-match';

/** What the stream needs from its bus. */
export interface MemoryStreamContext {
  assertOpen(): void;
  /** Delivers to subscribers without storing again. */
  deliver(subject: string, data: Uint8Array): void;
}

export class MemoryStream implements StreamStore {
  private messages: StoredMessage[] = [];
  private seq = 0;

  constructor(
    readonly name: string,
    private opts: StreamOptions,
    private readonly ctx: MemoryStreamContext,
  ) {}

  /** A second `stream()` call with new options updates the limits, as a stream update would. */
  reconfigure(opts: StreamOptions): void {
    this.opts = opts;
    this.trim();
  }

  captures(subject: string): boolean {
    return this.opts.subjects.some((p) => subjectMatches(p, subject));
  }

  /** Stores a message published on a captured subject; returns its sequence. */
  store(subject: string, data: Uint8Array): number {
    this.seq += 1;
    this.messages.push({ subject, data, seq: this.seq, time: new Date() });
    this.trim();
    return this.seq;
  }

  async append(subject: string, data: Uint8Array): Promise<number> {
    this.ctx.assertOpen();
    if (!this.captures(subject)) throw new BusNoResponderError(subject);
    const seq = this.store(subject, data);
    this.ctx.deliver(subject, data);
    return seq;
  }

  async last(n: number): Promise<StoredMessage[]> {
    this.ctx.assertOpen();
    return n > 0 ? this.messages.slice(-n) : [];
  }

  async after(afterSeq: number, limit: number): Promise<StoredMessage[]> {
    this.ctx.assertOpen();
    if (limit <= 0) return [];
    const first = this.messages[0]?.seq ?? 0;
    // Sequences are contiguous within the buffer, so the start index is arithmetic.
    const start = Math.max(0, afterSeq + 1 - first);
    return this.messages.slice(start, start + limit);
  }

  async purge(): Promise<void> {
    this.ctx.assertOpen();
    this.messages = [];
  }

  private trim(): void {
    const excess = this.messages.length - Math.max(this.opts.maxMsgs, 0);
    if (excess > 0) this.messages.splice(0, excess);
  }
}
