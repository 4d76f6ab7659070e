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
import { LADDER_CONFIGURATION, ladderSummary, runLadder, type LadderResult } from '../lib/ladder';
import { fmt, pick, type Bench, type CaseResult, type RunContext } from '../lib/types';
import { contentionNotes } from './fanout';

const SUBS = 19_900;

async function pair(ctx: RunContext, impl: 'arcp' | 'ws', subs: number, rates: number[], windowS: number): Promise<{ one: LadderResult; two: LadderResult }> {
  const one = await runLadder(ctx, { impl, subs, rates, windowS, instances: 1, maxP99Ms: 1000 });
  const two = await runLadder(ctx, { impl, subs, rates, windowS, instances: 2, maxP99Ms: 1000 });
  return { one, two };
}

const ratioOf = (p: { one: LadderResult; two: LadderResult }) => {
  const a = p.one.best?.delivered_per_s ?? 0;
  return a > 0 ? (p.two.best?.delivered_per_s ?? 0) / a : null;
};

export const scaleOut: Bench = {
  name: 'scale-out',
  title: 'Two public gateway processes and two generators: connections held and fan-out vs one process',
  budgetS: 150,
  ratioLabel: 'arcp/ws 2-process deliveries/s',
  columns: [
    { title: 'arcp conns held (2 procs)', get: (c) => fmt.n(pick(c.arcp, 'two.connections')) },
    { title: 'arcp deliveries/s 1 → 2 procs (peak)', get: (c) => `${fmt.n(pick(c.arcp, 'one.max_sustained_per_s'))} → ${fmt.n(pick(c.arcp, 'two.max_sustained_per_s'))} (${fmt.n(pick(c.arcp, 'one.peak_per_s'))} → ${fmt.n(pick(c.arcp, 'two.peak_per_s'))})` },
    { title: 'arcp 2/1', get: (c) => fmt.x(pick(c.arcp, 'scale')) },
    { title: 'arcp e2e p99 ms (2 procs)', get: (c) => fmt.ms(pick(c.arcp, 'two.e2e_p99_us')) },
    { title: 'ws conns held (2 procs)', get: (c) => fmt.n(pick(c.ws, 'two.connections')) },
    { title: 'ws deliveries/s 1 → 2 procs', get: (c) => `${fmt.n(pick(c.ws, 'one.max_sustained_per_s'))} → ${fmt.n(pick(c.ws, 'two.max_sustained_per_s'))}` },
    { title: 'ws 2/1', get: (c) => fmt.x(pick(c.ws, 'scale')) },
  ],
  async run(ctx) {
    const subs = ctx.quick ? 20 : SUBS;
    const rates = ctx.quick ? [20] : [2, 4, 8];
    const windowS = ctx.quick ? 0.7 : 3;
    const arcp = await pair(ctx, 'arcp', subs, rates, windowS);
    const ws = await pair(ctx, 'ws', subs, rates, windowS);
    const scale = ratioOf(arcp);
    const held = arcp.two.connections;
    const misses: string[] = [];
    if (held < 2 * subs) misses.push(`${held} of ${2 * subs} connections held`);
    if ((scale ?? 0) < 1.8) misses.push(`fan-out ${fmt.x(scale)} of one process < 1.8× (2 cores shared by 2 servers and 2 generators)`);
    const wsTwo = ws.two.best?.delivered_per_s ?? 0;
    const result: CaseResult = {
      case: `2 × ${subs}`,
      params: { subs_per_process: subs, rates, window_s: windowS, ports: 'one per process', configuration: LADDER_CONFIGURATION },
      arcp: { one: ladderSummary(arcp.one), two: ladderSummary(arcp.two), scale },
      ws: { one: ladderSummary(ws.one), two: ladderSummary(ws.two), scale: ratioOf(ws) },
      ratio: wsTwo > 0 ? (arcp.two.best?.delivered_per_s ?? 0) / wsTwo : null,
      generator_bound: arcp.two.generator_bound || arcp.one.generator_bound,
      target: ctx.quick ? { goal: 'none (smoke run)', met: null } : { goal: '39.8k connections held; fan-out ≥ 1.8× one process', met: misses.length === 0, ...(misses.length ? { reason: misses.join('; ') } : {}) },
      notes: contentionNotes(arcp.one.contended_windows + arcp.two.contended_windows, arcp.one.steps.length + arcp.two.steps.length),
    };
    return [result];
  },
};
