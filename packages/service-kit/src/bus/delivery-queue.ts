/**
 * Asynchronous delivery for the memory engine: callbacks never run inside the publisher's call,
 * and everything queued during one synchronous run is delivered together in one later microtask,
 * like messages that arrive in one network read.
 */
import { type HandlerErrorReporter } from './handler-errors';

interface Task {
  readonly label: string;
  readonly run: () => void;
}

export class DeliveryQueue {
  private queue: Task[] = [];
  private scheduled = false;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly report: HandlerErrorReporter) {}

  /** Queues `run`; a throw is reported under `label` (the subject or bucket) and swallowed. */
  push(label: string, run: () => void): void {
    this.queue.push({ label, run });
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.runBatch());
    }
  }

  /** Resolves once nothing is queued, including deliveries queued by handlers meanwhile. */
  whenIdle(): Promise<void> {
    if (!this.scheduled) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Drops everything still queued (the bus closed). */
  clear(): void {
    this.queue = [];
  }

  private runBatch(): void {
    // Tasks queued by handlers during this batch go to the next one, so a handler that publishes
    // is never re-entered and a publish loop cannot starve the event loop within one microtask.
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    for (const task of batch) {
      try {
        task.run();
      } catch (err) {
        this.report(err, task.label);
      }
    }
    if (!this.scheduled) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}
