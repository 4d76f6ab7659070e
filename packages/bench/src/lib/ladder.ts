/**
 * The fan-out ladder shared by `fanout` and `scale-out`: one or more gateway instances on one
 * agents bucket, each with its own wsload holding N subscribers, fed by the KV feeder at a rising
 * write rate. Per step: 1 s warm-up, then a window (measured again once while other processes on
 * the box take CPU, keeping the least contended). A step is sustained when clients received
 * ≥ 97% of what the servers sent (minus two frames per subscriber in flight at the window edges)
 * and the end-to-end p99 (feeder write → frame received, the `t<µs>` name marker) is ≤ 250 ms. The
 * ladder stops at the first unsustained step or when deliveries stop growing by 5%, then bisects
 * (twice at most) between the last sustained rate and the first failed one; when the very first
 * rate fails it halves it (twice at most).
 * With several instances, instance i's gateway runs on CPU i%2 and its generator on the other
 * CPU; percentiles are the worst instance's (histograms are not merged).
 */
import { startFeeder } from './feeder';
import { sleep } from './procs';
import { probeOps, type OpsLatency } from './ops-probe';
import { profileServer, type ProfileSummary } from './profile';
import { benchPrefix, promSum, startGateway, type Gateway, type GatewayImpl } from './servers';
import { fmt, type RunContext } from './types';
import { leastContended, WindowMeter, type WindowCpu } from './window';
import { startTimedSubscribers, type Wsload } from './wsload';

export interface Step {
  offered_per_s: number;
  frames_per_s: number;
  sent_per_s: number;
  delivered_per_s: number;
  loss: number;
  frame_bytes: number;
  e2e_p50_us: number;
  e2e_p99_us: number;
  lat_p50_us: number;
  lat_p99_us: number;
  server_cpu: number;
  gen_cpu: number;
  aux_cpu: number;
  cpu: WindowCpu;
  /** How fast the gateways' ops endpoint answered during the window (worst instance). */
  ops: OpsLatency;
  sustained: boolean;
}

export interface LadderResult {
  best?: Step;
  steps: Step[];
  generator_bound: boolean;
  contended_windows: number;
  connections: number;
  ramp_rate: number;
  errors: number;
  profile?: ProfileSummary;
}

export interface LadderOptions {
  impl: GatewayImpl;
  /** Subscribers per instance. */
  subs: number;
  rates: number[];
  windowS: number;
  instances?: number;
  /** `kv` (default): the real path, KV change → directory → agents_update. `forward`: ready-made
   * frames on a bus subject through the engine's forward (no directory, no coalescing). */
  feed?: 'kv' | 'forward';
  /** Highest e2e p99 (ms) a sustained step may have; default 250. */
  maxP99Ms?: number;
  /** After the ladder, profile instance 0's server for 3 s at the best sustained rate into this file. */
  profilePath?: string;
}

/**
 * The ladder measures how many frames the fan-out sustains, so every change must make a frame:
 * coalescing is off here (the shipped 50 ms window would cap a channel at 20 frames/s). Results
 * carry this as their `configuration`.
 */
export const LADDER_ENV: Readonly<Record<string, string>> = Object.freeze({ PUBLIC_WS_COALESCE_MS: '0' });
export const LADDER_CONFIGURATION = 'PUBLIC_WS_COALESCE_MS=0 (one frame per change; shipped default 50 ms)';

export async function runLadder(ctx: RunContext, o: LadderOptions): Promise<LadderResult> {
  const n = o.instances ?? 1;
  const prefix = benchPrefix(`fan${o.impl}${o.subs}x${n}`);
  const forwardSubject = o.feed === 'forward' ? `${prefix}.bench.frames` : undefined;
  const maxP99Us = (o.maxP99Ms ?? 250) * 1000;
  const gws: Gateway[] = [];
  const gens: Wsload[] = [];
  const feeder = await startFeeder({
    natsUrl: ctx.natsUrl,
    bucket: `${prefix}_agents`,
    mode: forwardSubject ? 'frames' : 'change',
    ...(forwardSubject ? { subject: forwardSubject } : {}),
  });
  // NaN when a server does not answer its /metrics in time (overloaded): the step is then not sustained.
  const sentOf = async () => {
    try {
      return (
        await Promise.all(gws.map(async (g) => promSum(await g.metrics(), 'arcp_gateway_messages_sent_total', { type: 'agents_update' })))
      ).reduce((a, b) => a + b, 0);
    } catch {
      return NaN;
    }
  };
  try {
    for (let i = 0; i < n; i++) {
      gws.push(
        await startGateway({
          impl: o.impl,
          channel: 'public',
          natsUrl: ctx.natsUrl,
          prefix,
          cpu: String(i % 2),
          env: { ...LADDER_ENV },
          ...(forwardSubject ? { forwardSubject } : {}),
        }),
      );
    }
    for (let i = 0; i < n; i++) {
      gens.push(startTimedSubscribers(gws[i]!.port, o.subs, { cpu: String((i + 1) % 2), srcFirst: 1 + 2 * i, maxSeconds: 900 }));
    }
    const readies = await Promise.all(gens.map((g) => g.ready(120_000)));
    const connections = readies.reduce((a, r) => a + r.open, 0);
    const errors = readies.reduce((a, r) => a + r.errors, 0);
    const rampRate = Math.min(...readies.map((r) => r.rate)) * n;
    ctx.log(`  ${o.impl} ${n}×N=${o.subs}: ${connections} open (${errors} errors)`);
    const meter = new WindowMeter({
      server: gws.map((g) => g.proc.pid),
      gen: gens.map((g) => g.proc.pid),
      aux: [feeder.proc.pid, ctx.natsPid],
      mixed: n > 1,
    });
    const total = o.subs * n;
    const measure = async (): Promise<Step> => {
      const sent0 = await sentOf();
      await Promise.all(gens.map((g) => g.mark()));
      meter.start();
      const ops = probeOps(gws);
      const t0 = performance.now();
      await sleep(o.windowS * 1000);
      const [reps, sent1] = await Promise.all([Promise.all(gens.map((g) => g.report())), sentOf()]);
      const cpu = meter.end();
      const opsLatency = await ops.stop();
      const feed = await feeder.report();
      const secs = (performance.now() - t0) / 1000;
      const sent = sent1 - sent0;
      const msgs = reps.reduce((a, r) => a + r.msgs, 0);
      const worst = (f: (r: (typeof reps)[number]) => number) => Math.max(...reps.map(f));
      return {
        offered_per_s: feed.rate,
        frames_per_s: sent / secs / total,
        sent_per_s: sent / secs,
        delivered_per_s: reps.reduce((a, r) => a + r.msgs_per_s, 0),
        loss: sent > 0 ? Math.max(0, 1 - msgs / sent) : 0,
        frame_bytes: msgs ? reps.reduce((a, r) => a + r.bytes, 0) / msgs : 0,
        e2e_p50_us: worst((r) => r.e2e_us.p50),
        e2e_p99_us: worst((r) => r.e2e_us.p99),
        lat_p50_us: worst((r) => r.lat_us.p50),
        lat_p99_us: worst((r) => r.lat_us.p99),
        server_cpu: cpu.server_cpu,
        gen_cpu: cpu.gen_cpu,
        aux_cpu: cpu.aux_cpu,
        cpu,
        ops: opsLatency,
        sustained:
          Number.isFinite(sent) &&
          msgs > 0 &&
          msgs >= 0.97 * sent - 2 * total &&
          reps.every((r) => r.e2e_us.p99 >= 0 && r.e2e_us.p99 <= maxP99Us),
      };
    };
    const steps: Step[] = [];
    const step = async (rate: number): Promise<Step> => {
      feeder.setRate(rate);
      await sleep(ctx.quick ? 300 : 1000);
      const st = await leastContended(ctx.quick ? 1 : 2, ctx.deadline, measure);
      steps.push(st);
      ctx.log(
        `    rate ${rate}/s: ${fmt.n(st.delivered_per_s)} deliveries/s (${fmt.n(st.frames_per_s, 1)} frames/s), e2e p50/p99 ${fmt.ms(st.e2e_p50_us)}/${fmt.ms(st.e2e_p99_us)} ms, cpu server ${st.server_cpu.toFixed(2)} gen ${st.gen_cpu.toFixed(2)} aux ${st.aux_cpu.toFixed(2)}, others ${st.cpu.other_total.toFixed(2)}${st.sustained ? '' : ' (not sustained)'}`,
      );
      return st;
    };
    // After an overloaded step the servers may still hold a backlog (frames queued in the NATS
    // client): pause the feed until their sent counters stand still (bounded), so it does not
    // spill into the next step.
    const drain = async () => {
      feeder.setRate(0);
      const until = Date.now() + 20_000;
      let last = NaN;
      while (Date.now() < until) {
        await sleep(700);
        const now = await sentOf();
        if (Number.isFinite(now) && now === last) return;
        last = now;
      }
    };
    let good = 0;
    let failed = 0;
    for (const rate of o.rates) {
      if (Date.now() > ctx.deadline) break;
      const prevBest = Math.max(0, ...steps.filter((s) => s.sustained).map((s) => s.delivered_per_s));
      const st = await step(rate);
      if (!st.sustained) {
        failed = rate;
        await drain();
        break;
      }
      good = rate;
      if (st.delivered_per_s < prevBest * 1.05) break; // deliveries stopped growing
    }
    // The first rate was already too much (the ws baseline, typically): halve it, twice at most.
    for (let i = 0; i < 2 && good === 0 && failed > 0 && Date.now() < ctx.deadline && !ctx.quick; i++) {
      const lower = Math.max(1, Math.round(failed / 2));
      if ((await step(lower)).sustained) good = lower;
      else {
        failed = lower;
        await drain();
      }
    }
    // Refine between the last sustained rate and the first failed one (two bisections at most).
    for (let i = 0; i < 2 && good > 0 && failed > good * 1.2 && Date.now() < ctx.deadline && !ctx.quick; i++) {
      const mid = Math.round((good + failed) / 2);
      if ((await step(mid)).sustained) good = mid;
      else {
        failed = mid;
        await drain();
      }
    }
    let profile: ProfileSummary | undefined;
    if (o.profilePath && good > 0) {
      // Profile at the best sustained rate: the busiest state the server keeps up with.
      feeder.setRate(good);
      await sleep(1500);
      profile = await profileServer(gws[0]!, 3000, o.profilePath);
    }
    const best = steps.filter((s) => s.sustained).sort((a, b) => b.delivered_per_s - a.delivered_per_s)[0];
    // The generator limits the result when it was saturated at the best step or at the step that ended the ladder.
    const limiting = [best, steps[steps.length - 1]].filter((s): s is Step => s !== undefined);
    const generatorBound = limiting.some((s) => s.gen_cpu / n >= 0.9 || (n === 1 && s.gen_cpu + s.aux_cpu >= 0.95));
    return {
      best,
      steps,
      generator_bound: generatorBound,
      contended_windows: steps.filter((s) => s.cpu.contended).length,
      connections,
      ramp_rate: rampRate,
      errors,
      ...(profile ? { profile } : {}),
    };
  } finally {
    feeder.setRate(0);
    await Promise.all(gens.map((g) => g.quit()));
    await feeder.quit();
    await Promise.all(gws.map((g) => g.stop()));
  }
}

/** The fields of a ladder result that go into a result line. */
export function ladderSummary(r: LadderResult): Record<string, unknown> {
  const peak = Math.max(0, ...r.steps.map((s) => s.delivered_per_s));
  // The slowest ops answer in any step, the overloaded ones included.
  const opsWorst = Math.max(-1, ...r.steps.map((s) => Math.max(s.ops.readyz_max_ms, s.ops.metrics_max_ms)));
  return {
    ...(r.best ?? {}),
    ops_worst_ms: opsWorst,
    ...(r.profile ? { profile: r.profile } : {}),
    max_sustained_per_s: r.best?.delivered_per_s ?? 0,
    peak_per_s: peak,
    connections: r.connections,
    contended_windows: r.contended_windows,
    generator_bound: r.generator_bound,
    ramp_rate: r.ramp_rate,
    errors: r.errors,
    steps: r.steps,
  };
}
