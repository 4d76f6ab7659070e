/**
 * slow-consumer: 5,000 public subscribers receive `agents_update` at 10 frames/s (feeder, real KV
 * path); at t=0, right after the welcome and before the feed starts, a fraction of them (0%, 1%,
 * 10%) stops reading (wsload -x, with a 4 KiB receive buffer and a 1 KiB MSS, so the kernels
 * absorb as little as they can: still ~100 KB on the server side on loopback, i.e. ~13 s at
 * 7.5 kB/s). The window is 25 s (the issue says 30 s; shortened to keep `pnpm bench` under its
 * 15 minutes, still ~8 s after the last slow socket is closed); the 16 KiB
 * backpressure limit set here (PUBLIC_WS_MAX_BACKPRESSURE_BYTES, same for the baseline; the
 * product default is 1 MiB, which a 10 frames/s consumer would need minutes to reach) is crossed
 * ~15 s after the stall, so the server's slow-consumer handling happens inside the window.
 * Reported per fraction: server RSS growth (peak during the window minus the peak in 1.5 s before)
 * against the bound N_slow × limit (+ the 0% run's growth + 4 MiB slack), drops counted by the
 * server (`arcp_gateway_drops_total{reason="backpressure"}` from the ops /metrics), slow sockets
 * the server closed, and the healthy clients' e2e p99 against the 0% run (target: within +20%).
 * Both servers run with V8's young generation fixed at 16 MiB a semi-space (its usual ceiling
 * here): otherwise V8 grows it under the feed's allocation rate by as much as 30 MiB of RSS, more
 * when the base was taken from a process whose startup had not grown it already (the compiled
 * build), and the growth measured would be the nursery's, not what slow consumers hold.
 */
import { startFeeder } from '../lib/feeder';
import { sleep } from '../lib/procs';
import { rssSampler, serverConnections, withGateway } from '../lib/scenario';
import { benchPrefix, CLIENT_CPU, promSum, type Impl } from '../lib/servers';
import { fmt, pick, type Bench, type CaseResult, type RunContext } from '../lib/types';
import { WindowMeter } from '../lib/window';
import { startTimedSubscribers } from '../lib/wsload';

const LIMIT = 16 * 1024;
const FIXED_YOUNG_GENERATION = ['--min-semi-space-size=16', '--max-semi-space-size=16'];
const SLACK = 4 * 1024 * 1024;

async function measure(ctx: RunContext, impl: Impl, subs: number, fraction: number, seconds: number): Promise<Record<string, unknown>> {
  const prefix = benchPrefix(`slow${impl}`);
  const env = { PUBLIC_WS_MAX_BACKPRESSURE_BYTES: String(LIMIT) };
  return withGateway({ impl, channel: 'public', natsUrl: ctx.natsUrl, prefix, env, nodeFlags: FIXED_YOUNG_GENERATION }, async (gw) => {
    const feeder = await startFeeder({ natsUrl: ctx.natsUrl, bucket: `${prefix}_agents`, mode: 'change' });
    const gen = startTimedSubscribers(gw.port, subs, {
      cpu: CLIENT_CPU,
      stallFraction: fraction,
      stallRcvbuf: 4096,
      maxSeconds: 300,
    });
    try {
      await gen.ready(60_000);
      await sleep(ctx.quick ? 200 : 1000);
      const base = await gw.probe();
      // The same kind of reading before and during: RSS sampled without forcing a GC.
      const before = rssSampler(gw.proc.pid, 100);
      await sleep(ctx.quick ? 300 : 1500);
      before.stop();
      const drops0 = promSum(await gw.metrics(), 'arcp_gateway_drops_total', { reason: 'backpressure' });
      const meter = new WindowMeter({ server: [gw.proc.pid], gen: [gen.proc.pid], aux: [feeder.proc.pid, ctx.natsPid] });
      const rss = rssSampler(gw.proc.pid);
      // Stall before the feed starts: a socket that has been receiving for a while has a grown
      // congestion window and the server's kernel autotunes its send buffer to megabytes.
      gen.stall();
      feeder.setRate(10);
      await gen.mark();
      meter.start();
      await sleep(seconds * 1000);
      rss.stop();
      const rep = await gen.report();
      const cpu = meter.end();
      const drops = promSum(await gw.metrics(), 'arcp_gateway_drops_total', { reason: 'backpressure' }) - drops0;
      const open = await serverConnections(gw);
      const after = await gw.probe();
      const slow = rep.stalled + rep.stalled_closed;
      const growth = rss.max() - before.max();
      ctx.log(
        `  ${impl} ${(fraction * 100).toFixed(0)}% slow (${slow}): RSS growth ${fmt.b(growth)} (peak), drops ${drops}, server still holds ${open} sockets, healthy e2e p50/p99 ${fmt.ms(rep.e2e_us.p50)}/${fmt.ms(rep.e2e_us.p99)} ms, ${fmt.n(rep.msgs_per_s)} frames/s delivered`,
      );
      return {
        slow,
        drops,
        server_open_after: open,
        closed_by_server: subs - open,
        rss_base_gc: base.rss,
        rss_base: before.max(),
        rss_peak: rss.max(),
        rss_growth: growth,
        rss_after_gc: after.rss,
        bound: slow * LIMIT,
        healthy_e2e_us: rep.e2e_us,
        delivered_per_s: rep.msgs_per_s,
        cpu,
      };
    } finally {
      feeder.setRate(0);
      await gen.quit();
      await feeder.quit();
    }
  });
}

export const slowConsumer: Bench = {
  name: 'slow-consumer',
  title: 'Some subscribers stop reading while the rest get 10 frames/s (5,000 subscribers, 25 s)',
  budgetS: 200,
  ratioLabel: 'ws/arcp RSS growth',
  columns: [
    { title: 'arcp RSS growth (bound)', get: (c) => `${fmt.b(pick(c.arcp, 'rss_growth'))} (${fmt.b(pick(c.arcp, 'bound'))})` },
    {
      title: 'arcp drops / closed / slow',
      get: (c) => `${fmt.n(pick(c.arcp, 'drops'))} / ${fmt.n(pick(c.arcp, 'closed_by_server'))} / ${fmt.n(pick(c.arcp, 'slow'))}`,
    },
    {
      title: 'arcp healthy p99 ms (vs 0%)',
      get: (c) => `${fmt.ms(pick(c.arcp, 'healthy_e2e_us.p99'))} (${fmt.x(pick(c.arcp, 'p99_vs_0'))})`,
    },
    { title: 'ws RSS growth', get: (c) => fmt.b(pick(c.ws, 'rss_growth')) },
    { title: 'ws drops / closed', get: (c) => `${fmt.n(pick(c.ws, 'drops'))} / ${fmt.n(pick(c.ws, 'closed_by_server'))}` },
    { title: 'ws healthy p99 ms (vs 0%)', get: (c) => `${fmt.ms(pick(c.ws, 'healthy_e2e_us.p99'))} (${fmt.x(pick(c.ws, 'p99_vs_0'))})` },
  ],
  async run(ctx) {
    const subs = ctx.quick ? 100 : 5000;
    const seconds = ctx.quick ? 1 : 25;
    const out: CaseResult[] = [];
    const zero: Partial<Record<Impl, Record<string, unknown>>> = {};
    for (const fraction of [0, 0.01, 0.1]) {
      if (Date.now() > ctx.deadline) break;
      const res: Partial<Record<Impl, Record<string, unknown>>> = {};
      for (const impl of ['arcp', 'ws'] as const) {
        const r = await measure(ctx, impl, subs, fraction, seconds);
        zero[impl] ??= r;
        const p0 = Number(pick(zero[impl], 'healthy_e2e_us.p99'));
        res[impl] = { ...r, p99_vs_0: p0 > 0 ? Number(pick(r, 'healthy_e2e_us.p99')) / p0 : null };
      }
      const a = res.arcp!;
      const growth0 = Math.max(0, Number(zero.arcp!.rss_growth));
      const misses: string[] = [];
      if (Number(a.rss_growth) > Number(a.bound) + growth0 + SLACK)
        misses.push(`RSS grew ${fmt.b(a.rss_growth)} > bound ${fmt.b(Number(a.bound) + growth0 + SLACK)}`);
      if (fraction > 0 && Number(a.drops) === 0) misses.push('no drops counted');
      if (fraction > 0 && Number(a.p99_vs_0) > 1.2) misses.push(`healthy p99 ${fmt.x(a.p99_vs_0)} of the 0% run`);
      out.push({
        case: `${(fraction * 100).toFixed(0)}% slow`,
        params: { subs, fraction, seconds, limit_bytes: LIMIT, rate_per_s: 10 },
        arcp: a,
        ws: res.ws!,
        ratio: Number(a.rss_growth) > 0 ? Number(res.ws!.rss_growth) / Number(a.rss_growth) : null,
        generator_bound: false,
        target:
          fraction === 0 || ctx.quick
            ? { goal: 'reference run (healthy p99 and RSS growth at 0%)', met: null }
            : {
                goal: 'RSS ≤ bound, drops counted, healthy p99 ≤ +20%',
                met: misses.length === 0,
                ...(misses.length ? { reason: misses.join('; ') } : {}),
              },
        notes: a.cpu && (a.cpu as { contended: boolean }).contended ? ['other processes took CPU during the window (contended)'] : [],
      });
    }
    return out;
  },
};
