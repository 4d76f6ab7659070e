/**
 * A broadcast that follows the agent directory: every change signals a leading- and trailing-edge
 * coalescer (see coalesce.ts); a run waits for the read-your-writes barrier, so the frame reflects
 * every write acknowledged before it, and publishes unless that directory version went out already.
 */
import type { DirectoryReader } from '@arcp/directory';
import { createCoalescer } from './coalesce';

export interface DirectoryBroadcastOptions {
  directory: Pick<DirectoryReader, 'sync' | 'version'>;
  /** The coalescing window (the channel's `*_COALESCE_MS`). */
  windowMs: number;
  /** Builds and publishes the frame from the current state. */
  publish: () => void;
  onError: (err: unknown) => void;
}

export interface DirectoryBroadcast {
  /** The directory changed. */
  signal(): void;
  /** The directory's current version counts as sent (after its initial load: clients get it on connect). */
  settle(): void;
  stop(): void;
}

export function createDirectoryBroadcast(opts: DirectoryBroadcastOptions): DirectoryBroadcast {
  const { directory } = opts;
  let published = -1;
  const coalescer = createCoalescer({
    windowMs: opts.windowMs,
    run: async () => {
      await directory.sync();
      // Changes that arrived while syncing are in this frame already; do not send it twice.
      if (directory.version === published) return;
      published = directory.version;
      opts.publish();
    },
    onError: opts.onError,
  });
  return {
    signal: () => coalescer.signal(),
    settle() {
      published = directory.version;
    },
    stop: () => coalescer.stop(),
  };
}
