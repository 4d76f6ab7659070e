/**
 * Keeps the local topology's children running once it has started: a child that exits when
 * nobody asked it to (a crash, a kill -9, the OOM killer) is started again with the same
 * settings after an exponential backoff, so the services' own resilience (reconnects, failover
 * between replicas) is what clients see, not a torn-down cluster. Before `arm()` (the start) an
 * exit is reported instead, so a start that cannot work fails fast. A restart asked for by the
 * caller (`replace`) or a stop it wants to last (`hold`) is never doubled by the supervisor.
 */
import type { ManagedProc } from './process';

export interface BackoffPolicy {
  /** Delay before the first restart. */
  initialMs: number;
  /** Upper bound of the doubling delay. */
  maxMs: number;
  /** A child that ran this long before exiting starts again from `initialMs`. */
  resetAfterMs: number;
}

export const DEFAULT_RESTART_POLICY: BackoffPolicy = { initialMs: 500, maxMs: 15_000, resetAfterMs: 30_000 };

/** The delay before restart number `attempt` (0-based since the last reset). */
export function restartDelay(policy: BackoffPolicy, attempt: number): number {
  return Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt, 30));
}

/** How a process ended, for one log line: `code 1` or `signal SIGKILL`. */
export function describeExit(proc: ManagedProc): string {
  const { exitCode, signalCode } = proc.child;
  if (signalCode) return `signal ${signalCode}`;
  return `code ${exitCode ?? 'unknown'}`;
}

export interface SupervisedUnit {
  readonly name: string;
  /** The current process (undefined before the first one is adopted). */
  current(): ManagedProc | undefined;
  /** Restarts made by the supervisor (not by `replace`). */
  readonly restarts: number;
  /** Takes `proc` as the unit's process and watches it. */
  adopt(proc: ManagedProc): void;
  /** A restart the caller makes: `fn` stops the old process and returns the new one. */
  replace(fn: () => Promise<ManagedProc>): Promise<ManagedProc>;
  /** A stop the caller wants to last: not restarted until the next `replace`. */
  hold(fn: () => Promise<unknown>): Promise<void>;
}

export interface SupervisorOptions {
  /** Restart children after `arm()`; false keeps them down (tests that kill on purpose). */
  enabled: boolean;
  policy?: BackoffPolicy;
  /** One line per event (exit, restart, failed restart). */
  log: (line: string) => void;
  /** An exit before `arm()`: the start has failed. */
  onStartupExit?: (unit: SupervisedUnit, proc: ManagedProc) => void;
}

interface UnitState extends SupervisedUnit {
  spawn: () => Promise<ManagedProc>;
}

export class Supervisor {
  private readonly units: UnitState[] = [];
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly inFlight = new Set<Promise<void>>();
  private armed = false;
  private stopped = false;
  private readonly policy: BackoffPolicy;

  constructor(private readonly opts: SupervisorOptions) {
    this.policy = opts.policy ?? DEFAULT_RESTART_POLICY;
  }

  /** A child to watch; `spawn` starts a fresh process with its settings (resolves once it is up). */
  unit(name: string, spawn: () => Promise<ManagedProc>): SupervisedUnit {
    let proc: ManagedProc | undefined;
    let startedAt = 0;
    let generation = 0;
    let attempt = 0;
    let restarts = 0;
    let manual = 0;
    let held = false;
    const unit: UnitState = {
      name,
      spawn,
      current: () => proc,
      get restarts() {
        return restarts;
      },
      adopt: (next) => {
        proc = next;
        startedAt = Date.now();
        held = false;
        const gen = ++generation;
        void next.exited.then(() => {
          if (gen !== generation || manual > 0 || held || this.stopped) return;
          if (!this.armed) {
            this.opts.onStartupExit?.(unit, next);
            return;
          }
          if (!this.opts.enabled) return;
          scheduleRestart(`exited (${describeExit(next)})`, Date.now() - startedAt);
        });
      },
      async replace(fn) {
        manual++;
        try {
          const next = await fn();
          unit.adopt(next);
          return next;
        } finally {
          manual--;
        }
      },
      async hold(fn) {
        held = true;
        await fn();
      },
    };
    const scheduleRestart = (why: string, uptimeMs: number) => {
      if (uptimeMs >= this.policy.resetAfterMs) attempt = 0;
      const delay = restartDelay(this.policy, attempt++);
      const gen = generation;
      restarts++;
      this.opts.log(`${name} ${why}; restart ${restarts} in ${delay} ms`);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        // A restart made by the caller meanwhile (or a stop) wins over this one.
        if (gen !== generation || manual > 0 || held || this.stopped) return;
        const run = this.respawn(
          unit,
          gen,
          scheduleRestart,
          () => generation,
          () => manual > 0 || held,
        );
        this.inFlight.add(run);
        void run.finally(() => this.inFlight.delete(run));
      }, delay);
      this.timers.add(timer);
    };
    this.units.push(unit);
    return unit;
  }

  private async respawn(
    unit: UnitState,
    gen: number,
    retry: (why: string, uptimeMs: number) => void,
    generation: () => number,
    busy: () => boolean,
  ): Promise<void> {
    let next: ManagedProc;
    try {
      next = await unit.spawn();
    } catch (err) {
      if (this.stopped || gen !== generation()) return;
      retry(`did not come back (${(err as Error).message.split('\n')[0]})`, 0);
      return;
    }
    if (this.stopped || gen !== generation() || busy()) {
      await next.stop('SIGTERM', 5_000);
      return;
    }
    unit.adopt(next);
    this.opts.log(`${unit.name} restarted (pid ${next.pid})`);
  }

  /** The start is done: from now on an unexpected exit is restarted (when enabled). */
  arm(): void {
    this.armed = true;
  }

  /** Supervisor restarts per unit name. */
  restartCounts(): Record<string, number> {
    return Object.fromEntries(this.units.map((u) => [u.name, u.restarts]));
  }

  /** No more restarts; waits for a restart in flight (whose process it stops). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.all([...this.inFlight]);
  }
}
