/**
 * sustained (a case of `pnpm bench convergence`): the feeder rewrites one agent in the agents
 * bucket at a steady 5,000 changes/s for a few seconds while N public subscribers listen, with the
 * shipped defaults (leading- and trailing-edge coalescing). Coalescing may merge changes; a
 * subscriber has converged on a change once a frame showing it, or a later one, has arrived.
 * wsload times every frame from the newest change it shows (the `t<epoch µs>` name); a change
 * that arrived just after a run waits at most one window more, so the convergence bound reported
 * and judged is that p99 plus the window. A `ws` subscriber checks that the last frame shows the
 * last change written (no final state lost), and the feeder's count that every change was
 * written at the offered rate.
 */
import { randomBytes } from 'node:crypto';
import { PublicChannelEnv } from '@arcp/gateway';
import { startFeeder } from '../lib/feeder';
import { sleep } from '../lib/procs';
import { withGateway } from '../lib/scenario';
import { benchPrefix, CLIENT_CPU } from '../lib/servers';
import { fmt, type CaseResult, type RunContext } from '../lib/types';
import { WindowMeter } from '../lib/window';
import { startTimedSubscribers } from '../lib/wsload';
import { subscribe } from './churn';

/** Issue 18: 5,000 changes/s ingested with convergence p99 ≤ 100 ms at 1k subscribers. */
const GOAL_RATE = 5000;
const GOAL_BOUND_MS = 100;

export async function sustainedCase(ctx: RunContext, subs: number, rate = GOAL_RATE, seconds = 5): Promise<CaseResult> {
  const windowMs = PublicChannelEnv.shape.PUBLIC_WS_COALESCE_MS.parse(undefined);
  const prefix = benchPrefix('sustained');
  const feeder = await startFeeder({ natsUrl: ctx.natsUrl, bucket: `${prefix}_agents`, mode: 'change' });
  try {
    return await withGateway(
      { impl: 'arcp', channel: 'public', natsUrl: ctx.natsUrl, prefix, env: { JWT_SECRET: randomBytes(32).toString('hex') } },
      async (gw) => {
        const gen = startTimedSubscribers(gw.port, subs, { cpu: CLIENT_CPU, maxSeconds: 120 });
        const watcher = await subscribe(`ws://127.0.0.1:${gw.port}/public/ws`, (t) => t.includes('"agents_update"'));
        try {
          await gen.ready(60_000);
          feeder.setRate(rate);
          await sleep(1000); // the feed and the gateway's watch reach their pace
          const meter = new WindowMeter({ server: [gw.proc.pid], gen: [gen.proc.pid, feeder.proc.pid], aux: [ctx.natsPid] });
          const before = await feeder.report();
          await gen.mark();
          meter.start();
          await sleep(seconds * 1000);
          const rep = await gen.report();
          const after = await feeder.report();
          const cpu = meter.end();
          feeder.setRate(0);
          const last = await feeder.report();
          await sleep(windowMs * 4 + 300);
          const final = watcher.arrivals.at(-1);
          const lastShowsFinal = final !== undefined && last.last_marker !== '' && final.text.includes(`"${last.last_marker}"`);
          const written = after.sent - before.sent;
          const changesPerS = written / Math.max(rep.secs, 1e-9);
          const p99 = rep.e2e_us.p99;
          const bound = p99 >= 0 ? p99 + windowMs * 1000 : -1;
          const framesPerS = rep.e2e_us.n / subs / Math.max(rep.secs, 1e-9);
          ctx.log(
            `  sustained N=${subs}: ${fmt.n(changesPerS)} changes/s written, ${fmt.n(framesPerS, 1)} frames/s per subscriber, e2e p50/p99 ${fmt.ms(rep.e2e_us.p50)}/${fmt.ms(p99)} ms, convergence bound p99 ${fmt.ms(bound)} ms, last frame final: ${lastShowsFinal}`,
          );
          const misses: string[] = [];
          if (changesPerS < rate * 0.95) misses.push(`${fmt.n(changesPerS)} changes/s written < ${fmt.n(rate)}`);
          if (!(bound >= 0 && bound <= GOAL_BOUND_MS * 1000)) misses.push(`convergence p99 ≤ ${fmt.ms(bound)} ms > ${GOAL_BOUND_MS} ms`);
          if (!lastShowsFinal) misses.push('the last frame did not show the last change');
          return {
            case: `N=${subs}, sustained ${fmt.n(rate)} changes/s`,
            params: { subs, rate, seconds, coalesce_ms: windowMs, configuration: 'shipped defaults' },
            arcp: {
              changes_per_s: changesPerS,
              frames: rep.e2e_us.n,
              frames_per_s_per_subscriber: framesPerS,
              bytes_per_subscriber_per_change: written ? rep.bytes / subs / written : -1,
              e2e_us: rep.e2e_us,
              convergence_bound_p99_us: bound,
              last_shows_final: lastShowsFinal,
              cpu,
            },
            generator_bound: false,
            target: {
              goal: `${fmt.n(GOAL_RATE)} changes/s, convergence p99 ≤ ${GOAL_BOUND_MS} ms, last frame final`,
              met: misses.length === 0,
              ...(misses.length ? { reason: misses.join('; ') } : {}),
            },
            notes: cpu.contended ? ['other processes took CPU during the window (contended)'] : [],
          };
        } finally {
          watcher.close();
          await gen.quit();
        }
      },
    );
  } finally {
    await feeder.quit();
  }
}
