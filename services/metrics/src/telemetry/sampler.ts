/**
 * Samples this process's resource use between two beats: CPU from `process.cpuUsage` deltas,
 * memory from RSS against the host's total memory, event-loop lag from a perf_hooks histogram.
 */
import { availableParallelism, totalmem } from 'node:os';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface ProcessSample {
  /** Share of the machine's CPU capacity used since the previous sample, 0–100. */
  cpu_percent: number;
  memory_bytes: number;
  /** RSS against the host's total memory, 0–100. */
  memory_percent: number;
  /** Mean event-loop delay since the previous sample. */
  event_loop_lag_ms: number;
  /** Seconds covered by this sample. */
  interval_s: number;
}

/** The process facilities the sampler reads; injectable so tests can script them. */
export interface ProcessProbe {
  cpuUsage(): NodeJS.CpuUsage;
  rss(): number;
  totalMemory: number;
  cores: number;
  hrtimeMs(): number;
}

export const nodeProcessProbe: ProcessProbe = {
  cpuUsage: () => process.cpuUsage(),
  rss: () => process.memoryUsage.rss(),
  totalMemory: totalmem(),
  cores: availableParallelism(),
  hrtimeMs: () => Number(process.hrtime.bigint()) / 1e6,
};

const round = (v: number, digits: number): number => Number(v.toFixed(digits));

export class ProcessSampler {
  private lastCpu: NodeJS.CpuUsage;
  private lastAt: number;
  private readonly loop: IntervalHistogram;

  constructor(private readonly probe: ProcessProbe = nodeProcessProbe) {
    this.lastCpu = probe.cpuUsage();
    this.lastAt = probe.hrtimeMs();
    // 20 ms resolution keeps the sampling overhead negligible while still showing real stalls.
    this.loop = monitorEventLoopDelay({ resolution: 20 });
    this.loop.enable();
  }

  sample(): ProcessSample {
    const cpu = this.probe.cpuUsage();
    const at = this.probe.hrtimeMs();
    const elapsedMs = Math.max(at - this.lastAt, 1e-3);
    const usedMs = (cpu.user - this.lastCpu.user + cpu.system - this.lastCpu.system) / 1000;
    this.lastCpu = cpu;
    this.lastAt = at;
    const rss = this.probe.rss();
    // The histogram's mean is NaN before its first recording.
    const lagMs = Number.isFinite(this.loop.mean) ? this.loop.mean / 1e6 : 0;
    this.loop.reset();
    return {
      cpu_percent: round(clampPercent((usedMs / elapsedMs / Math.max(this.probe.cores, 1)) * 100), 2),
      memory_bytes: rss,
      memory_percent: round(clampPercent((rss / Math.max(this.probe.totalMemory, 1)) * 100), 2),
      event_loop_lag_ms: round(lagMs, 3),
      interval_s: round(elapsedMs / 1000, 3),
    };
  }

  stop(): void {
    this.loop.disable();
  }
}

function clampPercent(v: number): number {
  return Math.min(100, Math.max(0, v));
}
