/**
 * Periodic telemetry beat of one service instance (TelemetryEvent on `<p>.telemetry`, every 5 s by
 * default and once right after start): the process's share of its host's CPU and memory, the worst
 * event-loop lag of the interval, open connections and the service's counters as per-beat deltas.
 */
import { availableParallelism, totalmem } from 'node:os';
import { encodeJson, nowIso, type ServiceRole, type TelemetryEvent } from '@arcp/protocol';
import { type Logger } from 'pino';
import { type Bus } from './bus/bus';

/** Cumulative counters (requests/errors/response time) and the current connection count. */
export interface TelemetryCounters {
  connections: number;
  requests: number;
  errors: number;
  responseTimeSumS: number;
}

/** The process facilities a beat reads; injectable so tests can script them. */
export interface TelemetryProbe {
  cpuUsage(): NodeJS.CpuUsage;
  rss(): number;
  /** Bytes the process may use: its cgroup limit when one is set, else the host's memory. */
  memoryLimit: number;
  cores: number;
  /** Milliseconds since the process started, like `performance.now()`. */
  monotonicMs(): number;
}

export interface TelemetryOptions {
  bus: Bus;
  subject: string;
  instance: string;
  role: ServiceRole;
  intervalMs?: number;
  counters?: () => TelemetryCounters;
  logger?: Logger;
  /** Clock for the beat's `at`; tests inject one. */
  nowIso?: () => string;
  probe?: TelemetryProbe;
}

export interface TelemetryPublisher {
  /** Builds and publishes one beat now (also what the timer calls). */
  beat(): TelemetryEvent;
  stop(): void;
}

const LAG_TICK_MS = 100;
const ZERO: TelemetryCounters = { connections: 0, requests: 0, errors: 0, responseTimeSumS: 0 };

/**
 * Without a limit, cgroup v2 reports "max" (2^64-1 from Node), so the host's memory is the bound
 * either way; in a container with a limit, RSS against the host would look harmless until OOM.
 */
function memoryLimit(): number {
  const constrained = process.constrainedMemory?.() ?? 0;
  return constrained > 0 ? Math.min(constrained, totalmem()) : totalmem();
}

export function nodeTelemetryProbe(): TelemetryProbe {
  return {
    cpuUsage: () => process.cpuUsage(),
    rss: () => process.memoryUsage.rss(),
    memoryLimit: memoryLimit(),
    cores: availableParallelism(),
    monotonicMs: () => performance.now(),
  };
}

const round = (v: number, digits: number): number => Number(v.toFixed(digits));
const percent = (v: number): number => round(Math.min(100, Math.max(0, v)), 2);

export function startTelemetry(opts: TelemetryOptions): TelemetryPublisher {
  const probe = opts.probe ?? nodeTelemetryProbe();
  const clock = opts.nowIso ?? nowIso;
  // Both clocks start at process start, so the first beat covers the process's life so far
  // instead of the few milliseconds since this call.
  let lastAt = 0;
  let lastCpu: NodeJS.CpuUsage = { user: 0, system: 0 };
  let lastCounters = opts.counters?.() ?? ZERO;
  let stopped = false;
  // Timer drift sampler: a tick that fires late by N ms means the loop was blocked for N ms.
  // (perf_hooks' monitorEventLoopDelay reads ~resolution when idle and misses single stalls.)
  let maxLagMs = 0;
  let expected = performance.now() + LAG_TICK_MS;
  const lagTimer = setInterval(() => {
    const now = performance.now();
    maxLagMs = Math.max(maxLagMs, now - expected);
    expected = now + LAG_TICK_MS;
  }, LAG_TICK_MS);
  lagTimer.unref();

  const beat = (): TelemetryEvent => {
    const counters = opts.counters?.() ?? ZERO;
    const at = probe.monotonicMs();
    const cpu = probe.cpuUsage();
    const elapsedMs = Math.max(at - lastAt, 1);
    const usedMs = (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000;
    const rss = probe.rss();
    const event: TelemetryEvent = {
      instance: opts.instance,
      role: opts.role,
      at: clock(),
      // Share of the machine, not of one core: a multi-threaded process (uWS, libuv pool, GC)
      // can pass 100 % of a core, and the dashboard averages these as utilisation figures.
      cpu_percent: percent((usedMs / elapsedMs / Math.max(probe.cores, 1)) * 100),
      memory_bytes: rss,
      memory_percent: percent((rss / Math.max(probe.memoryLimit, 1)) * 100),
      event_loop_lag_ms: round(Math.max(0, maxLagMs), 3),
      connections: Math.max(0, counters.connections),
      // A counter that went backwards was reset by its owner: count from zero again.
      requests: Math.max(0, counters.requests - lastCounters.requests),
      errors: Math.max(0, counters.errors - lastCounters.errors),
      response_time_sum_s: Math.max(0, counters.responseTimeSumS - lastCounters.responseTimeSumS),
      interval_s: round(elapsedMs / 1000, 3),
    };
    lastAt = at;
    lastCpu = cpu;
    lastCounters = counters;
    maxLagMs = 0;
    try {
      opts.bus.publish(opts.subject, encodeJson(event));
    } catch (err) {
      opts.logger?.warn({ err }, 'telemetry publish failed');
    }
    return event;
  };

  // A timer callback must never throw (it would crash the process): a failing counters callback
  // costs one beat and a warning.
  const tick = (): void => {
    if (stopped) return;
    try {
      beat();
    } catch (err) {
      opts.logger?.warn({ err }, 'telemetry beat failed');
    }
  };

  const timer = setInterval(tick, opts.intervalMs ?? 5000);
  timer.unref();
  // First beat once the caller's own startup has finished this turn: the instance shows up on the
  // dashboard at once rather than one interval later.
  const first = setImmediate(tick);
  return {
    beat,
    stop: () => {
      stopped = true;
      clearImmediate(first);
      clearInterval(timer);
      clearInterval(lagTimer);
    },
  };
}
