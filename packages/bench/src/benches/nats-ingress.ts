/**
 * nats-ingress: heartbeats/s a public gateway absorbs, and the CPU it spends on them. The feeder
 * heartbeats 1,000 agents round-robin into the heartbeat log the way the registry does (group
 * commit: the heartbeats of one 2 ms tick in one entry, the registry's bytes); every entry reaches
 * the gateway's watch of the log, its heartbeats move `last_seen` in the directory and are then
 * dropped as insignificant (no frame), which is the gateway's steady-state bus load. Absorbed
 * rate = log entries delivered to the gateway's watch consumer per second (JetStream view) times
 * the heartbeats per entry the feeder wrote in that window, against what the stream stored. A
 * step is sustained when ≥ 95% of the stored entries were delivered and the consumer's backlog
 * stayed under a quarter second of input (one bisection after the first unsustained rate). The
 * ws baseline runs the same directory code, so its figure is a cross-check, not a transport
 * comparison.
 */
import { beatsBucket } from '@arcp/directory';
import { startFeeder } from '../lib/feeder';
import { openJsInfo } from '../lib/jsinfo';
import { sleep } from '../lib/procs';
import { profileFile, profileServer, type ProfileSummary } from '../lib/profile';
import { withGateway } from '../lib/scenario';
import { benchPrefix, type Impl } from '../lib/servers';
import { fmt, pick, type Bench, type CaseResult, type RunContext } from '../lib/types';
import { leastContended, WindowMeter, type WindowCpu } from '../lib/window';

interface IngressStep {
  offered_per_s: number;
  stored_per_s: number;
  absorbed_per_s: number;
  backlog: number;
  server_cpu: number;
  us_per_event: number;
  heartbeats_per_entry: number;
  cpu: WindowCpu;
  sustained: boolean;
}

async function ladder(
  ctx: RunContext,
  impl: Impl,
  rates: number[],
  windowS: number,
  profilePath?: string,
): Promise<Record<string, unknown>> {
  const prefix = benchPrefix(`ing${impl}`);
  const bucket = `${prefix}_agents`;
  const log = beatsBucket(bucket);
  const js = await openJsInfo(ctx.natsUrl);
  try {
    return await withGateway({ impl, channel: 'public', natsUrl: ctx.natsUrl, prefix }, async (gw) => {
      const feeder = await startFeeder({ natsUrl: ctx.natsUrl, bucket, mode: 'heartbeat', keys: ctx.quick ? 10 : 1000 });
      try {
        const meter = new WindowMeter({ server: [gw.proc.pid], gen: [feeder.proc.pid], aux: [ctx.natsPid] });
        const measure = async () => {
          const p0 = await js.progress(log);
          meter.start();
          const t0 = performance.now();
          await sleep(windowS * 1000);
          const p1 = await js.progress(log);
          const cpu = meter.end();
          const feed = await feeder.report();
          const secs = (performance.now() - t0) / 1000;
          const perEntry = feed.window_entries > 0 ? feed.window_sent / feed.window_entries : 0;
          const stored = ((p1.stored - p0.stored) * perEntry) / secs;
          const absorbed = ((p1.delivered - p0.delivered) * perEntry) / secs;
          const backlog = Math.round(Math.max(0, p1.stored - p1.delivered) * perEntry);
          return {
            offered_per_s: feed.rate,
            stored_per_s: stored,
            absorbed_per_s: absorbed,
            backlog,
            server_cpu: cpu.server_cpu,
            us_per_event: absorbed > 0 ? (cpu.server_cpu / absorbed) * 1e6 : 0,
            heartbeats_per_entry: perEntry,
            cpu,
            sustained: absorbed >= 0.95 * stored && backlog <= Math.max(1000, stored / 4),
          };
        };
        const steps: IngressStep[] = [];
        const step = async (rate: number) => {
          feeder.setRate(rate);
          await sleep(ctx.quick ? 300 : 1500);
          const st = await leastContended(ctx.quick ? 1 : 2, ctx.deadline, measure);
          steps.push(st);
          ctx.log(
            `  ${impl} offered ${fmt.n(rate)}/s: stored ${fmt.n(st.stored_per_s)}/s, absorbed ${fmt.n(st.absorbed_per_s)}/s, backlog ${st.backlog}, server CPU ${st.server_cpu.toFixed(2)} (${st.us_per_event.toFixed(2)} µs/event, ${st.heartbeats_per_entry.toFixed(0)} per entry), feeder ${st.cpu.gen_cpu.toFixed(2)} nats ${st.cpu.aux_cpu.toFixed(2)}${st.sustained ? '' : ' (not sustained)'}`,
          );
          return st;
        };
        let good = 0;
        for (const rate of rates) {
          if (Date.now() > ctx.deadline) break;
          const st = await step(rate);
          if (!st.sustained) {
            // One refinement between the last sustained rate and this one (after the backlog drained).
            feeder.setRate(0);
            await sleep(2000);
            if (good > 0 && !ctx.quick && Date.now() < ctx.deadline) await step(Math.round((good + rate) / 2));
            break;
          }
          good = rate;
        }
        const best = steps.filter((s) => s.sustained).sort((a, b) => b.absorbed_per_s - a.absorbed_per_s)[0];
        // The feeder + nats-server share the client core: when they could not store what was offered, they were the limit.
        const last = steps[steps.length - 1];
        const clientBound =
          last !== undefined && (last.stored_per_s < 0.9 * last.offered_per_s || last.cpu.gen_cpu + last.cpu.aux_cpu >= 0.9);
        let profile: ProfileSummary | undefined;
        if (profilePath && best) {
          // Profile at the best sustained rate: where the gateway's CPU per event is what it will be in production.
          feeder.setRate(best.offered_per_s);
          await sleep(1000);
          profile = await profileServer(gw, 3000, profilePath);
        }
        feeder.setRate(0);
        return {
          ...(profile ? { profile } : {}),
          ...(best ?? {}),
          max_absorbed_per_s: best?.absorbed_per_s ?? 0,
          client_bound: clientBound,
          steps,
        };
      } finally {
        await feeder.quit();
      }
    });
  } finally {
    await js.close();
  }
}

export const natsIngress: Bench = {
  name: 'nats-ingress',
  title: 'Heartbeats/s absorbed by a public gateway (heartbeat log, no frames) and its CPU',
  budgetS: 90,
  ratioLabel: 'arcp/ws events/s',
  columns: [
    { title: 'arcp events/s', get: (c) => fmt.n(pick(c.arcp, 'max_absorbed_per_s')) },
    { title: 'arcp CPU', get: (c) => fmt.n(pick(c.arcp, 'server_cpu'), 2) },
    { title: 'arcp µs/event', get: (c) => fmt.n(pick(c.arcp, 'us_per_event'), 2) },
    { title: 'arcp events/s at 0.3 core (extrapolated)', get: (c) => fmt.n(0.3 / (Number(pick(c.arcp, 'us_per_event')) / 1e6)) },
    { title: 'ws events/s', get: (c) => fmt.n(pick(c.ws, 'max_absorbed_per_s')) },
    { title: 'ws CPU', get: (c) => fmt.n(pick(c.ws, 'server_cpu'), 2) },
  ],
  async run(ctx) {
    // 210k offered so that a sustained step is ≥ 200k absorbed whatever the timers' rounding.
    const rates = ctx.quick ? [200, 500] : [20_000, 50_000, 100_000, 210_000, 300_000];
    const windowS = ctx.quick ? 0.7 : 3;
    const arcp = await ladder(
      ctx,
      'arcp',
      rates,
      windowS,
      ctx.quick ? undefined : profileFile(ctx.resultsDir, 'nats-ingress', 'heartbeats'),
    );
    const ws = await ladder(ctx, 'ws', rates, windowS);
    const rate = Number(arcp.max_absorbed_per_s);
    const cpu = Number(arcp.server_cpu);
    // Met by any sustained step at ≥ 200k/s that took ≤ 0.3 core (a higher step may take more).
    const steps = (arcp.steps ?? []) as IngressStep[];
    const meeting = steps.find((s) => s.sustained && s.absorbed_per_s >= 200_000 && s.server_cpu <= 0.3);
    const at200 = steps.filter((s) => s.sustained && s.absorbed_per_s >= 200_000).sort((a, b) => a.server_cpu - b.server_cpu)[0];
    const misses: string[] = [];
    if (!meeting) {
      if (rate < 200_000)
        misses.push(
          `${fmt.n(rate)} events/s sustained < 200k${arcp.client_bound ? ' (feeder + nats-server on the client core were the limit)' : ''}`,
        );
      if (at200) misses.push(`CPU ${fmt.n(at200.server_cpu, 2)} core > 0.3 at ${fmt.n(at200.absorbed_per_s)}/s`);
      else if (!(cpu <= 0.3)) misses.push(`CPU ${fmt.n(cpu, 2)} core > 0.3 at ${fmt.n(rate)}/s`);
    }
    const result: CaseResult = {
      case: 'heartbeats, 1,000 agents',
      params: { rates, window_s: windowS, keys: ctx.quick ? 10 : 1000 },
      arcp,
      ws,
      ratio: Number(ws.max_absorbed_per_s) > 0 ? rate / Number(ws.max_absorbed_per_s) : null,
      generator_bound: Boolean(arcp.client_bound),
      target: ctx.quick
        ? { goal: 'none (smoke run)', met: null }
        : {
            goal: '≥ 200k events/s at ≤ 0.3 core',
            met: misses.length === 0,
            ...(misses.length
              ? { reason: misses.join('; ') }
              : { reason: `${fmt.n(meeting!.absorbed_per_s)}/s at ${fmt.n(meeting!.server_cpu, 2)} core` }),
          },
    };
    return [result];
  },
};
