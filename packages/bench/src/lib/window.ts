/**
 * CPU accounting of one measurement window: the server's, the generator's and the client core's
 * helpers' CPU (cores, from /proc/<pid>/stat), how busy each CPU was overall (/proc/stat), and
 * from that how much CPU *other* processes on the box took. A window where others took a real
 * share of a core is flagged `contended`: this box is shared, so such a window understates us.
 */
import { CoreMeter, CpuMeter } from './procs';

export interface WindowCpu {
  server_cpu: number;
  /** Each server process's CPU (cores), in the order the servers were given. */
  server_cpu_each: number[];
  gen_cpu: number;
  /** Feeder, nats-server, registry…: our own helpers on the client core. */
  aux_cpu: number;
  core_busy: number[];
  /** CPU taken by processes outside this run on the server core / the client core. */
  other_core0: number;
  other_core1: number;
  /** CPU taken by processes outside this run on the whole box. */
  other_total: number;
  contended: boolean;
}

/** Other processes above this share of a core make a window contended. */
export const CONTENDED_SHARE = 0.15;

export class WindowMeter {
  private readonly cpu: CpuMeter;
  private readonly cores = new CoreMeter();
  /** `mixed`: servers and generators share both CPUs, so only the box-wide figure is meaningful. */
  constructor(private readonly groups: { server: number[]; gen: number[]; aux: number[]; mixed?: boolean }) {
    this.cpu = new CpuMeter([...groups.server, ...groups.gen, ...groups.aux]);
  }
  start(): void {
    this.cpu.start();
    this.cores.start();
  }
  end(): WindowCpu {
    const v = this.cpu.cores();
    const busy = this.cores.busy();
    const { server, gen } = this.groups;
    const sum = (from: number, n: number) => v.slice(from, from + n).reduce((a, b) => a + b, 0);
    const serverCpu = sum(0, server.length);
    const genCpu = sum(server.length, gen.length);
    const auxCpu = sum(server.length + gen.length, v.length);
    // Server processes run on CPU 0, everything else of ours on CPU 1 (the harness itself is small).
    const other0 = Math.max(0, (busy[0] ?? 0) - serverCpu);
    const other1 = Math.max(0, (busy[1] ?? 0) - genCpu - auxCpu - 0.02);
    const otherTotal = Math.max(0, busy.reduce((a, b) => a + b, 0) - serverCpu - genCpu - auxCpu - 0.02);
    return {
      server_cpu: serverCpu,
      server_cpu_each: v.slice(0, server.length),
      gen_cpu: genCpu,
      aux_cpu: auxCpu,
      core_busy: busy,
      other_core0: other0,
      other_core1: other1,
      other_total: otherTotal,
      contended: this.groups.mixed ? otherTotal > CONTENDED_SHARE : other0 > CONTENDED_SHARE || other1 > CONTENDED_SHARE,
    };
  }
}

/** Runs `measure` up to `attempts` times while its window is contended; keeps the least contended. */
export async function leastContended<T extends { cpu: WindowCpu }>(
  attempts: number,
  deadline: number,
  measure: () => Promise<T>,
): Promise<T> {
  let best: T | undefined;
  for (let i = 0; i < attempts; i++) {
    const r = await measure();
    const load = (x: T) => x.cpu.other_core0 + x.cpu.other_core1;
    if (!best || load(r) < load(best)) best = r;
    if (!r.cpu.contended || Date.now() > deadline) break;
  }
  return best!;
}

/** Waits (bounded) until both CPUs are mostly idle; returns how busy they were when it gave up or went. */
export async function waitQuiet(maxMs: number, threshold = 0.25): Promise<number[]> {
  const meter = new CoreMeter();
  const deadline = Date.now() + maxMs;
  let busy: number[];
  do {
    meter.start();
    await new Promise((r) => setTimeout(r, 1000));
    busy = meter.busy();
    if (busy.every((b) => b < threshold)) break;
  } while (Date.now() < deadline);
  return busy;
}
