/**
 * Frames as an async iterator over a channel's events: a bounded queue between the socket and a
 * consumer that may be slower, ending when the channel closes (throwing its error, if any).
 */
import { ArcpSlowConsumerError, type ArcpError } from './errors';

type Subscribe = (event: 'frame' | 'state', listener: (value: unknown) => void) => () => void;

export function iterateFrames<F>(
  subscribe: Subscribe,
  bufferSize: number,
  alreadyEnded: { error?: ArcpError } | null,
): AsyncIterableIterator<F> {
  const queue: F[] = [];
  let ended = alreadyEnded;
  let wake: (() => void) | null = null;
  const offFrame = subscribe('frame', (f) => {
    if (ended) return;
    if (queue.length >= bufferSize) ended = { error: new ArcpSlowConsumerError(`the consumer fell ${bufferSize} frames behind`) };
    else queue.push(f as F);
    wake?.();
  });
  const offState = subscribe('state', (value) => {
    const s = value as { state: string; error?: ArcpError };
    if (s.state !== 'closed') return;
    ended ??= { error: s.error };
    wake?.();
  });
  const finish = () => {
    offFrame();
    offState();
  };
  const iterator: AsyncIterableIterator<F> = {
    async next(): Promise<IteratorResult<F>> {
      for (;;) {
        if (queue.length > 0) return { value: queue.shift()!, done: false };
        if (ended) {
          finish();
          if (ended.error) throw ended.error;
          return { value: undefined, done: true };
        }
        await new Promise<void>((r) => (wake = r));
        wake = null;
      }
    },
    async return(): Promise<IteratorResult<F>> {
      finish();
      ended ??= {};
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
