/**
 * Closing a channel's sockets in bounded batches with a reconnect code, so a draining replica
 * does not push every client onto the remaining replicas in the same instant.
 */
import { CloseCodes, CloseReasons } from '@arcp/protocol';
import type { Connection } from './connection';

export interface DrainOptions {
  /** Sockets closed per batch. Default 100. */
  batchSize?: number;
  /** Pause between batches. Default 50 ms. */
  intervalMs?: number;
  /** Default 4200 (reconnect). */
  code?: number;
  reason?: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves once every socket of `conns` (a live set) is closed. */
export async function drainInBatches(conns: Set<Connection>, opts: DrainOptions = {}): Promise<void> {
  const batchSize = Math.max(1, opts.batchSize ?? 100);
  const code = opts.code ?? CloseCodes.SERVER_RESTARTING;
  const reason = opts.reason ?? CloseReasons[CloseCodes.SERVER_RESTARTING];
  for (;;) {
    const batch = [...conns].filter((c) => c.isOpen).slice(0, batchSize);
    if (batch.length === 0) return;
    for (const conn of batch) conn.close(code, reason);
    if ([...conns].some((c) => c.isOpen)) await sleep(opts.intervalMs ?? 50);
  }
}
