/**
 * churn (a case of `pnpm bench latency`): the feeder rewrites one agent's registration at a
 * steady rate (200 changes/s by default) in the agents bucket, with the public and the agents
 * gateway running their shipped defaults. A subscriber on each channel records when every
 * `agents_update` / agent list arrives. Checked: at most one frame per coalescing window per
 * channel (frames during the churn ≤ its length / window + 1), and the last frame shows the last
 * change written. The smallest gap between two arrivals is reported, not judged: on a busy
 * machine the receiving process can read two frames sent a window apart in one go.
 */
import { randomBytes } from 'node:crypto';
import { createTokenService } from '@arcp/auth';
import { AgentsChannelEnv, PublicChannelEnv } from '@arcp/gateway';
import WebSocket from 'ws';
import { startFeeder } from '../lib/feeder';
import { sleep } from '../lib/procs';
import { benchPrefix, startGateway, type Gateway } from '../lib/servers';
import { fmt, type CaseResult, type RunContext } from '../lib/types';

interface Arrival {
  atMs: number;
  text: string;
}

/** One subscriber that keeps every frame `keep` selects, with its arrival time. */
export async function subscribe(
  url: string,
  keep: (text: string) => boolean,
  first?: string,
): Promise<{ arrivals: Arrival[]; close(): void }> {
  const arrivals: Arrival[] = [];
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => {
      if (first !== undefined) ws.send(first);
      resolve();
    });
    ws.once('error', reject);
  });
  ws.on('message', (data) => {
    const text = data.toString();
    if (keep(text)) arrivals.push({ atMs: performance.now(), text });
  });
  return { arrivals, close: () => ws.close() };
}

interface ChannelVerdict {
  frames: number;
  allowed: number;
  min_gap_ms: number;
  last_shows_final: boolean;
  ok: boolean;
}

function judge(arrivals: readonly Arrival[], fromMs: number, toMs: number, windowMs: number, finalMarker: string): ChannelVerdict {
  const during = arrivals.filter((a) => a.atMs >= fromMs && a.atMs <= toMs + windowMs * 2);
  const gaps = during.slice(1).map((a, i) => a.atMs - during[i]!.atMs);
  const allowed = Math.floor((toMs + windowMs * 2 - fromMs) / windowMs) + 1;
  const minGap = gaps.length ? Math.min(...gaps) : Infinity;
  const last = arrivals.at(-1);
  const lastShowsFinal = last !== undefined && finalMarker !== '' && last.text.includes(`"${finalMarker}"`);
  return {
    frames: during.length,
    allowed,
    min_gap_ms: Number.isFinite(minGap) ? minGap : -1,
    last_shows_final: lastShowsFinal,
    ok: during.length > 0 && during.length <= allowed && lastShowsFinal,
  };
}

export async function churnCase(ctx: RunContext, rate: number, seconds: number): Promise<CaseResult> {
  const publicWindow = PublicChannelEnv.shape.PUBLIC_WS_COALESCE_MS.parse(undefined);
  const agentsWindow = AgentsChannelEnv.shape.AGENT_WS_COALESCE_MS.parse(undefined);
  const prefix = benchPrefix('churn');
  const secret = randomBytes(32).toString('hex');
  const env = { JWT_SECRET: secret };
  const gateways: Gateway[] = [];
  const feeder = await startFeeder({ natsUrl: ctx.natsUrl, bucket: `${prefix}_agents`, mode: 'change' });
  try {
    gateways.push(await startGateway({ impl: 'arcp', channel: 'public', natsUrl: ctx.natsUrl, prefix, env }));
    gateways.push(await startGateway({ impl: 'arcp', channel: 'agents', natsUrl: ctx.natsUrl, prefix, env }));
    const [pub, agents] = gateways as [Gateway, Gateway];
    const tokens = createTokenService({ secret, agentTtlS: 3600, adminTtlS: 3600, tempTtlS: 60 });
    const token = (await tokens.issueAgent('churn-watcher')).token;
    const publicSub = await subscribe(`ws://127.0.0.1:${pub.port}/public/ws`, (t) => t.includes('"agents_update"'));
    const agentsSub = await subscribe(`ws://127.0.0.1:${agents.port}/agents/ws`, (t) => t.startsWith('['), JSON.stringify({ token }));
    await sleep(500);
    const from = performance.now();
    feeder.setRate(rate);
    await sleep(seconds * 1000);
    const written = await feeder.report();
    feeder.setRate(0);
    const to = performance.now();
    // After the stop: the marker of the very last write.
    const report = await feeder.report();
    await sleep(Math.max(publicWindow, agentsWindow) * 4 + 300);
    publicSub.close();
    agentsSub.close();
    const verdicts = {
      public: judge(publicSub.arrivals, from, to, publicWindow, report.last_marker),
      agents: judge(agentsSub.arrivals, from, to, agentsWindow, report.last_marker),
    };
    const achieved = written.window_sent / Math.max(written.secs, 1e-9);
    for (const [channel, v] of Object.entries(verdicts)) {
      ctx.log(
        `  churn ${channel}: ${v.frames} frames (≤ ${v.allowed} allowed), min gap ${fmt.ms(v.min_gap_ms * 1000)} ms, last shows final: ${v.last_shows_final}`,
      );
    }
    const misses = Object.entries(verdicts)
      .filter(([, v]) => !v.ok)
      .map(
        ([channel, v]) =>
          `${channel}: ${v.frames} frames for ${v.allowed} windows, last frame ${v.last_shows_final ? 'final' : 'not final'}`,
      );
    return {
      case: `churn ${rate}/s`,
      params: { rate, seconds, public_coalesce_ms: publicWindow, agents_coalesce_ms: agentsWindow, configuration: 'shipped defaults' },
      arcp: { changes_written: report.sent, changes_per_s: achieved, ...verdicts },
      generator_bound: false,
      target: {
        goal: '≤ 1 frame per window per channel, last frame final',
        met: misses.length === 0,
        ...(misses.length ? { reason: misses.join('; ') } : {}),
      },
    };
  } finally {
    await feeder.quit();
    for (const g of gateways) await g.stop();
  }
}
