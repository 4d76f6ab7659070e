/**
 * The telemetry beat every service instance publishes on `subjects.telemetry`: its resource use,
 * open connections and the request/error/response-time deltas since the previous beat. The
 * metrics service aggregates these into the dashboard's resource figures and cluster gauges.
 */
import { type Subjects, type TelemetryEvent } from '@arcp/protocol';
import { type Bus } from '@arcp/service-kit';
import { encodeTelemetry } from '../wire';
import { ProcessSampler, type ProcessProbe } from './sampler';

/** Cumulative totals since process start; the publisher turns them into per-beat deltas. */
export interface TelemetryCounters {
  requests: number;
  errors: number;
  responseTimeSumS: number;
}

export interface TelemetryPublisherOptions {
  bus: Bus;
  subjects: Subjects;
  instance: string;
  role: TelemetryEvent['role'];
  /** Sockets (or in-flight requests) this instance holds right now. */
  connections: () => number;
  counters?: () => TelemetryCounters;
  /** Beat period; default 5 s. */
  intervalMs?: number;
  /** Clock for the beat's `at`; tests inject one. */
  nowIso?: () => string;
  probe?: ProcessProbe;
  onError?: (err: unknown) => void;
}

export interface TelemetryPublisher {
  /** Publishes one beat now (also used for the first beat at start). */
  beat(): void;
  stop(): void;
}

const ZERO: TelemetryCounters = { requests: 0, errors: 0, responseTimeSumS: 0 };

export function startTelemetryPublisher(opts: TelemetryPublisherOptions): TelemetryPublisher {
  const sampler = new ProcessSampler(opts.probe);
  const clock = opts.nowIso ?? (() => new Date().toISOString());
  let previous = opts.counters?.() ?? ZERO;
  let stopped = false;

  const beat = (): void => {
    if (stopped) return;
    try {
      const current = opts.counters?.() ?? ZERO;
      const sample = sampler.sample();
      const event: TelemetryEvent = {
        instance: opts.instance,
        role: opts.role,
        at: clock(),
        ...sample,
        connections: opts.connections(),
        // A counter that went backwards was reset by its owner: count from zero again.
        requests: Math.max(0, current.requests - previous.requests),
        errors: Math.max(0, current.errors - previous.errors),
        response_time_sum_s: Math.max(0, current.responseTimeSumS - previous.responseTimeSumS),
      };
      previous = current;
      opts.bus.publish(opts.subjects.telemetry, encodeTelemetry(event));
    } catch (err) {
      opts.onError?.(err);
    }
  };

  const timer = setInterval(beat, opts.intervalMs ?? 5000);
  timer.unref();
  // The first beat goes out once the caller's own startup has finished this turn.
  setImmediate(beat);
  return {
    beat,
    stop: () => {
      stopped = true;
      clearInterval(timer);
      sampler.stop();
    },
  };
}
