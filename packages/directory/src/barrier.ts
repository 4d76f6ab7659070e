/**
 * The two small tools of the read-your-writes barrier: asking for the bucket's latest revision at
 * most twice per round trip however many callers wait, and bounding a wait.
 */

/**
 * One query in flight at a time, shared by every caller that arrives before it is sent; a caller
 * arriving while one is in flight waits for the next (the one in flight may have left before the
 * caller's own write was acknowledged). At most two queries per round trip, whatever the load.
 */
export function singleFlightAfterCall<T>(query: () => Promise<T>): () => Promise<T> {
  let inflight: Promise<T> | undefined;
  let next: Promise<T> | undefined;
  const run = (): Promise<T> => {
    if (!inflight) {
      const p = query();
      inflight = p;
      const clear = () => {
        if (inflight === p) inflight = undefined;
      };
      p.then(clear, clear);
      return p;
    }
    next ??= inflight
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        next = undefined;
        return run();
      });
    return next;
  };
  return run;
}

export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}
