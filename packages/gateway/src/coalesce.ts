/**
 * Leading- and trailing-edge coalescing of broadcasts. A change after a quiet period is sent at
 * once (at the end of the current event-loop turn, so every change of one NATS read goes out
 * together); changes inside the window that follows are merged and sent when it ends; under any
 * churn at most one run starts per window, and the last run always reads the final state.
 *
 *   change ─┐      change change   change           (quiet)
 *           ▼        │      │        │
 *   run ────●────────┼──────┼───●────┼──────●──── (idle: next change runs at once)
 *           |<─ window ─>|      |<─ window ─>|
 */

export interface CoalescerOptions {
  /** Minimum time between two runs; 0 runs once per event-loop turn. */
  windowMs: number;
  /** Builds and sends from the current state; may be async (it is never run twice at once). */
  run: () => void | Promise<void>;
  /** Failures of `run` (never thrown into the caller of `signal`). */
  onError: (err: unknown) => void;
}

export interface Coalescer {
  /** Something changed. */
  signal(): void;
  /** Cancels what is pending; later signals are ignored. */
  stop(): void;
}

export function createCoalescer(opts: CoalescerOptions): Coalescer {
  /** A change arrived that no started run has seen yet. */
  let pending = false;
  /** The window opened by the last run is still open. */
  let windowOpen = false;
  let running = false;
  let stopped = false;
  let immediate: NodeJS.Immediate | undefined;
  let timer: NodeJS.Timeout | undefined;

  const start = () => {
    immediate = undefined;
    if (stopped || running || windowOpen || !pending) return;
    pending = false;
    running = true;
    windowOpen = opts.windowMs > 0;
    if (windowOpen) timer = setTimeout(closeWindow, opts.windowMs);
    let out: void | Promise<void>;
    try {
      out = opts.run();
    } catch (err) {
      out = undefined;
      opts.onError(err);
    }
    if (out instanceof Promise) {
      out.catch(opts.onError).finally(() => {
        running = false;
        if (!windowOpen && pending) scheduleRun();
      });
    } else {
      running = false;
      if (!windowOpen && pending) scheduleRun();
    }
  };

  const closeWindow = () => {
    timer = undefined;
    windowOpen = false;
    if (pending) start();
  };

  const scheduleRun = () => {
    immediate ??= setImmediate(start);
  };

  return {
    signal() {
      if (stopped) return;
      pending = true;
      if (!windowOpen && !running) scheduleRun();
    },
    stop() {
      stopped = true;
      pending = false;
      if (immediate) clearImmediate(immediate);
      if (timer) clearTimeout(timer);
      immediate = undefined;
      timer = undefined;
    },
  };
}
