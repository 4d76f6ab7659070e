/**
 * scale-out: two public gateway processes (two ports, one agents bucket) with two generator
 * processes holding 19,900 subscribers each (39,800 connections: past one process's
 * RLIMIT_NOFILE of 20,000), against one process with 19,900, both fed by the KV feeder on the
 * fan-out ladder (lib/ladder.ts). Two ports instead of SO_REUSEPORT keep each process at exactly
 * 19,900 sockets (the kernel's hash could push one over its fd limit). On this 2-core box the
 * two-process run places gateway A and generator B on CPU 0, gateway B and generator A on
 * CPU 1: the generators compete with the servers, so the fan-out ratio is a lower bound.
 * One frame to 19,900 sockets takes ~150–200 ms on one core by itself, so a step counts as
 * sustained here up to an e2e p99 of 1 s (fanout uses 250 ms).
 */
import { cpus } from 'node:os';
import { LADDER_CONFIGURATION, ladderSummary, runLadder, type LadderResult } from '../lib/ladder';
import { fmt, pick, type Bench, type CaseResult, type RunContext } from '../lib/types';
import { contentionNotes } from './fanout';

const SUBS = 19_900;

const cpuEach = (cpu: unknown) => {
  const each = (cpu as { server_cpu_each?: number[] } | undefined)?.server_cpu_each;
  return each?.length ? each.map((c) => c.toFixed(2)).join(' + ') : '–';
};

async function pair(
  ctx: RunContext,
  impl: 'arcp' | 'ws',
  subs: number,
  rates: number[],
  windowS: number,
): Promise<{ one: LadderResult; two: LadderResult }> {
  const one = await runLadder(ctx, { impl, subs, rates, windowS, instances: 1, maxP99Ms: 1000 });
  const two = await runLadder(ctx, { impl, subs, rates, windowS, instances: 2, maxP99Ms: 1000 });
  return { one, two };
}

const ratioOf = (p: { one: LadderResult; two: LadderResult }) => {
  const a = p.one.best?.delivered_per_s ?? 0;
  return a > 0 ? (p.two.best?.delivered_per_s ?? 0) / a : null;
};

/** Deliveries per second per core the server processes used, at the best sustained step. */
const perCore = (r: LadderResult): number | null => {
  const cpu = r.best?.server_cpu ?? 0;
  return cpu > 0.05 ? (r.best?.delivered_per_s ?? 0) / cpu : null;
};

/**
 * Deliveries per server core with two processes against one: on a box with fewer cores than two
 * servers and two generators need, this is the comparison that can be judged (two processes on
 * two cores against one on one), the 2/1 throughput ratio being capped by the cores.
 */
const perCoreRatio = (p: { one: LadderResult; two: LadderResult }) => {
  const a = perCore(p.one);
  const b = perCore(p.two);
  return a && b ? b / a : null;
};

/** Scale-out is judged on the throughput ratio with this many cores; below, per core. */
const CORES_FOR_RATIO = 4;

export const scaleOut: Bench = {
  name: 'scale-out',
  title: 'Two public gateway processes and two generators: connections held and fan-out vs one process',
  budgetS: 200,
  ratioLabel: 'arcp/ws 2-process deliveries/s',
  columns: [
    { title: 'arcp conns held (2 procs)', get: (c) => fmt.n(pick(c.arcp, 'two.connections')) },
    {
      title: 'arcp deliveries/s 1 → 2 procs (peak)',
      get: (c) =>
        `${fmt.n(pick(c.arcp, 'one.max_sustained_per_s'))} → ${fmt.n(pick(c.arcp, 'two.max_sustained_per_s'))} (${fmt.n(pick(c.arcp, 'one.peak_per_s'))} → ${fmt.n(pick(c.arcp, 'two.peak_per_s'))})`,
    },
    { title: 'arcp 2/1', get: (c) => fmt.x(pick(c.arcp, 'scale')) },
    { title: 'arcp e2e p99 ms (2 procs)', get: (c) => fmt.ms(pick(c.arcp, 'two.e2e_p99_us')) },
    {
      title: 'arcp server CPU per process 1 → 2 procs (cores)',
      get: (c) => `${cpuEach(pick(c.arcp, 'one.cpu'))} → ${cpuEach(pick(c.arcp, 'two.cpu'))}`,
    },
    {
      title: 'arcp deliveries/s per server core 1 → 2 procs',
      get: (c) =>
        `${fmt.n(pick(c.arcp, 'per_core_one'))} → ${fmt.n(pick(c.arcp, 'per_core_two'))} (${fmt.x(pick(c.arcp, 'per_core_ratio'))})`,
    },
    { title: 'ws conns held (2 procs)', get: (c) => fmt.n(pick(c.ws, 'two.connections')) },
    {
      title: 'ws deliveries/s 1 → 2 procs',
      get: (c) => `${fmt.n(pick(c.ws, 'one.max_sustained_per_s'))} → ${fmt.n(pick(c.ws, 'two.max_sustained_per_s'))}`,
    },
    { title: 'ws 2/1', get: (c) => fmt.x(pick(c.ws, 'scale')) },
  ],
  async run(ctx) {
    const subs = ctx.quick ? 20 : SUBS;
    const rates = ctx.quick ? [20] : [2, 4, 8];
    const windowS = ctx.quick ? 0.7 : 3;
    const arcp = await pair(ctx, 'arcp', subs, rates, windowS);
    const ws = await pair(ctx, 'ws', subs, rates, windowS);
    const scale = ratioOf(arcp);
    const coreRatio = perCoreRatio(arcp);
    const held = arcp.two.connections;
    const cores = cpus().length;
    const byCore = cores < CORES_FOR_RATIO;
    const misses: string[] = [];
    if (held < 2 * subs) misses.push(`${held} of ${2 * subs} connections held`);
    if (byCore) {
      if ((coreRatio ?? 0) < 0.9) misses.push(`deliveries per server core with 2 processes ${fmt.x(coreRatio)} of one process's < 0.9×`);
    } else if ((scale ?? 0) < 1.8) misses.push(`fan-out ${fmt.x(scale)} of one process < 1.8×`);
    const goal = byCore
      ? `39.8k connections held; deliveries per server core with 2 processes ≥ 0.9× one process's (${cores} cores: too few for 2 servers and 2 generators, so the 2/1 ratio of ${fmt.x(scale)} is not judged)`
      : '39.8k connections held; fan-out ≥ 1.8× one process';
    const wsTwo = ws.two.best?.delivered_per_s ?? 0;
    const result: CaseResult = {
      case: `2 × ${subs}`,
      params: { subs_per_process: subs, rates, window_s: windowS, ports: 'one per process', configuration: LADDER_CONFIGURATION },
      arcp: {
        one: ladderSummary(arcp.one),
        two: ladderSummary(arcp.two),
        scale,
        per_core_one: perCore(arcp.one),
        per_core_two: perCore(arcp.two),
        per_core_ratio: coreRatio,
      },
      ws: { one: ladderSummary(ws.one), two: ladderSummary(ws.two), scale: ratioOf(ws) },
      ratio: wsTwo > 0 ? (arcp.two.best?.delivered_per_s ?? 0) / wsTwo : null,
      generator_bound: arcp.two.generator_bound || arcp.one.generator_bound,
      target: ctx.quick
        ? { goal: 'none (smoke run)', met: null }
        : { goal, met: misses.length === 0, ...(misses.length ? { reason: misses.join('; ') } : {}) },
      notes: contentionNotes(arcp.one.contended_windows + arcp.two.contended_windows, arcp.one.steps.length + arcp.two.steps.length),
    };
    return [result];
  },
};
