/**
 * Periodic telemetry beat of one service instance (TelemetryEvent on `<p>.telemetry`, every
 * 5 s by default): CPU and memory of the process, worst event-loop lag of the interval, and the
 * service's own counters turned into per-interval deltas for the metrics service's dashboard.
 */
import { totalmem } from 'node:os';
import { nowIso, type ServiceRole, type TelemetryEvent } from '@arcp/protocol';
import { type Logger } from 'pino';
import { type Bus } from './bus/bus';

/** Cumulative counters (requests/errors/response time) and the current connection count. */
export interface TelemetryCounters {
  connections: number;
  requests: number;
  errors: number;
  responseTimeSumS: number;
}

export interface TelemetryOptions {
  bus: Bus;
  subject: string;
  instance: string;
  role: ServiceRole;
  intervalMs?: number;
  counters?: () => TelemetryCounters;
  logger?: Logger;
}

export interface TelemetryPublisher {
  /** Builds and publishes one beat now (also what the timer calls). */
  beat(): TelemetryEvent;
  stop(): void;
}

const LAG_TICK_MS = 100;
const ZERO: TelemetryCounters = { connections: 0, requests: 0, errors: 0, responseTimeSumS: 0 };

export function startTelemetry(opts: TelemetryOptions): TelemetryPublisher {
  const intervalMs = opts.intervalMs ?? 5000;
  const encoder = new TextEncoder();
  let lastAt = performance.now();
  let lastCpu = process.cpuUsage();
  let lastCounters = opts.counters?.() ?? ZERO;
  // Timer drift sampler: a tick that fires late by N ms means the loop was blocked for N ms.
  let maxLagMs = 0;
  let expected = performance.now() + LAG_TICK_MS;
  const lagTimer = setInterval(() => {
    const now = performance.now();
    maxLagMs = Math.max(maxLagMs, now - expected);
    expected = now + LAG_TICK_MS;
  }, LAG_TICK_MS);
  lagTimer.unref();

  const beat = (): TelemetryEvent => {
    const now = performance.now();
    const elapsedS = Math.max((now - lastAt) / 1000, 0.001);
    const cpu = process.cpuUsage(lastCpu);
    const counters = opts.counters?.() ?? ZERO;
    const rss = process.memoryUsage.rss();
    const event: TelemetryEvent = {
      instance: opts.instance,
      role: opts.role,
      at: nowIso(),
      cpu_percent: ((cpu.user + cpu.system) / 1e6 / elapsedS) * 100,
      memory_bytes: rss,
      memory_percent: (rss / totalmem()) * 100,
      event_loop_lag_ms: Math.max(0, maxLagMs),
      connections: Math.max(0, counters.connections),
      requests: Math.max(0, counters.requests - lastCounters.requests),
      errors: Math.max(0, counters.errors - lastCounters.errors),
      response_time_sum_s: Math.max(0, counters.responseTimeSumS - lastCounters.responseTimeSumS),
      interval_s: elapsedS,
    };
    lastAt = now;
    lastCpu = process.cpuUsage();
    lastCounters = counters;
    maxLagMs = 0;
    try {
      opts.bus.publish(opts.subject, encoder.encode(JSON.stringify(event)));
    } catch (err) {
      opts.logger?.warn({ err }, 'telemetry publish failed');
    }
    return event;
  };

  const timer = setInterval(beat, intervalMs);
  timer.unref();
  return {
    beat,
    stop: () => {
      clearInterval(timer);
      clearInterval(lagTimer);
    },
  };
}
