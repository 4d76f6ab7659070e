/**
 * The registry's side of the heartbeat log (`records.ts` has its layout): heartbeats are written
 * by group commit. The heartbeats of one event-loop turn go in one entry; while `maxInFlight`
 * entries are being written, every heartbeat that arrives waits for the next entry, which carries
 * them all. A heartbeat resolves once the entry holding it is durable, so its acknowledgement
 * means what a liveness write meant before, and under load a reader receives one bus message per
 * write round trip instead of one per heartbeat. Entries may land in any order: readers keep the
 * newest instant per agent.
 */
import { randomBytes } from 'node:crypto';
import type { KvStore } from '@arcp/service-kit';
import { encodeBeats, type Beat } from './records';

export interface BeatWriter {
  /** Appends a heartbeat to the log; resolves once it is durable, rejects when its entry could not be written. */
  beat(agentId: string, lastSeen: string): Promise<void>;
}

export interface BeatWriterOptions {
  /** Heartbeats per log entry at most (the rest wait for the next). Default 2,000 (~100 KB). */
  maxBatch?: number;
  /** Entries being written at once at most. Default 4. */
  maxInFlight?: number;
  /** Called with the number of heartbeats of every entry written. */
  onWrite?: (heartbeats: number) => void;
}

interface Waiting extends Beat {
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

export function createBeatWriter(kv: KvStore, opts: BeatWriterOptions = {}): BeatWriter {
  const maxBatch = opts.maxBatch ?? 2000;
  const maxInFlight = opts.maxInFlight ?? 4;
  // Keys unique to this writer: entries are never overwritten, they expire.
  const writerId = randomBytes(6).toString('hex');
  let entry = 0;
  let waiting: Waiting[] = [];
  let writing = 0;
  let scheduled = false;

  const write = async () => {
    scheduled = false;
    if (writing >= maxInFlight || waiting.length === 0) return;
    writing++;
    const batch = waiting.length <= maxBatch ? waiting : waiting.slice(0, maxBatch);
    waiting = batch === waiting ? [] : waiting.slice(maxBatch);
    const written = kv.put(`b.${writerId}.${++entry}`, encodeBeats(batch));
    if (waiting.length > 0) void write();
    try {
      await written;
      opts.onWrite?.(batch.length);
      for (const b of batch) b.resolve();
    } catch (err) {
      for (const b of batch) b.reject(err);
    } finally {
      writing--;
      if (waiting.length > 0) void write();
    }
  };

  return {
    beat(agentId, lastSeen) {
      return new Promise<void>((resolve, reject) => {
        waiting.push({ agentId, lastSeen, resolve, reject });
        // Heartbeats handled in the same event-loop turn go in one entry.
        if (writing < maxInFlight && !scheduled) {
          scheduled = true;
          setImmediate(() => void write());
        }
      });
    },
  };
}
