/**
 * reconnect-storm: 10k clients connect as fast as the generator can (256 handshakes in flight)
 * and each waits for its first frame: the welcome on the public channel; on the agents channel
 * the client sends a real agent JWT (minted with the gateway's secret, one per connection) as its
 * first message and waits for `auth_success` (the gateway verifies signature, expiry and the
 * revocation bucket over NATS for each). Reported per channel: conn/s (all established / ramp
 * time), time-to-first-frame p50/p99 (connect() → frame), errors, and CPU during the ramp.
 * Three storms per server, median by rate; connections are reset between storms.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createTokenService } from '@arcp/auth';
import { profileFile, profileServer, type ProfileSummary } from '../lib/profile';
import { waitConnections, withGateway } from '../lib/scenario';
import { benchPrefix, CLIENT_CPU, type ChannelKind, type Gateway, type Impl } from '../lib/servers';
import { fmt, pick, type Bench, type CaseResult, type RunContext } from '../lib/types';
import { WindowMeter, type WindowCpu } from '../lib/window';
import { startWsload, type ReadyLine } from '../lib/wsload';

interface Storm extends ReadyLine {
  cpu: WindowCpu;
}

async function mintTokens(secret: string, n: number, file: string): Promise<void> {
  const tokens = createTokenService({ secret, agentTtlS: 3600, adminTtlS: 3600, tempTtlS: 60 });
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(JSON.stringify({ token: (await tokens.issueAgent(`storm-${i}`)).token }));
  writeFileSync(file, `${lines.join('\n')}\n`);
}

async function storms(
  ctx: RunContext,
  impl: Impl,
  channel: ChannelKind,
  conns: number,
  reps: number,
  profilePath?: string,
): Promise<Record<string, unknown>> {
  const secret = randomBytes(32).toString('hex');
  const tokenFile = join(tmpdir(), `arcp-bench-tokens-${process.pid}-${impl}.txt`);
  if (channel === 'agents') await mintTokens(secret, conns, tokenFile);
  const prefix = benchPrefix(`storm${impl}${channel}`);
  try {
    return await withGateway({ impl, channel, natsUrl: ctx.natsUrl, prefix, env: { JWT_SECRET: secret } }, (gw) =>
      stormsOn(ctx, gw, impl, channel, conns, reps, tokenFile, profilePath),
    );
  } finally {
    rmSync(tokenFile, { force: true });
  }
}

async function stormsOn(
  ctx: RunContext,
  gw: Gateway,
  impl: Impl,
  channel: ChannelKind,
  conns: number,
  reps: number,
  tokenFile: string,
  profilePath?: string,
): Promise<Record<string, unknown>> {
  {
    const runs: Storm[] = [];
    for (let r = 0; r < reps && Date.now() < ctx.deadline; r++) {
      const gen = startWsload({
        port: gw.port,
        path: `/${channel}/ws`,
        conns,
        cpu: CLIENT_CPU,
        inflight: 256,
        waitFrames: channel === 'agents' ? 2 : 1,
        ...(channel === 'agents' ? { firstMessagesFile: tokenFile } : {}),
        maxSeconds: 120,
      });
      const meter = new WindowMeter({ server: [gw.proc.pid], gen: [gen.proc.pid], aux: [ctx.natsPid] });
      meter.start();
      try {
        const ready = await gen.ready(90_000);
        runs.push({ ...ready, cpu: meter.end() });
        ctx.log(
          `  ${impl} ${channel} storm ${r + 1}: ${ready.open} open, ${ready.errors} errors, ${fmt.n(ready.rate)} conn/s, ttff p50/p99 ${fmt.ms(ready.ttff_p50_us)}/${fmt.ms(ready.ttff_p99_us)} ms`,
        );
      } finally {
        await gen.reset();
      }
      await waitConnections(gw, (n) => n === 0, 15_000);
    }
    runs.sort((a, b) => a.rate - b.rate);
    const median = runs[Math.floor(runs.length / 2)];
    const profile = profilePath ? await profileStorm(gw, channel, conns, tokenFile, profilePath) : undefined;
    return { ...(median ?? {}), conn_per_s: median?.rate ?? 0, runs, ...(profile ? { profile } : {}) };
  }
}

/** One more storm (not counted) with the server's CPU profiler on. */
async function profileStorm(
  gw: Gateway,
  channel: ChannelKind,
  conns: number,
  tokenFile: string,
  path: string,
): Promise<ProfileSummary | undefined> {
  const extra = channel === 'agents' ? { firstMessagesFile: tokenFile } : {};
  const gen = startWsload({
    port: gw.port,
    path: `/${channel}/ws`,
    conns,
    cpu: CLIENT_CPU,
    inflight: 256,
    waitFrames: channel === 'agents' ? 2 : 1,
    maxSeconds: 120,
    ...extra,
  });
  let profile: ProfileSummary | undefined;
  try {
    // The storm lasts a few seconds: profile across it.
    profile = await profileServer(gw, channel === 'agents' ? 3000 : 1000, path);
    await gen.ready(90_000);
  } finally {
    await gen.reset();
  }
  await waitConnections(gw, (n) => n === 0, 15_000);
  return profile;
}

/** Issue 18, item 5: the agents channel at 12k conn/s with a real token each. */
const GOALS: Record<ChannelKind, number> = { public: 20_000, agents: 12_000 };

export const reconnectStorm: Bench = {
  name: 'reconnect-storm',
  title: '10k clients connect and get their first frame (public: welcome; agents: JWT auth)',
  budgetS: 90,
  ratioLabel: 'arcp/ws conn/s',
  columns: [
    { title: 'arcp conn/s', get: (c) => fmt.n(pick(c.arcp, 'conn_per_s')) },
    { title: 'arcp ttff p50/p99 ms', get: (c) => `${fmt.ms(pick(c.arcp, 'ttff_p50_us'))} / ${fmt.ms(pick(c.arcp, 'ttff_p99_us'))}` },
    { title: 'arcp errors', get: (c) => fmt.n(pick(c.arcp, 'errors')) },
    { title: 'arcp CPU srv/gen', get: (c) => `${fmt.n(pick(c.arcp, 'cpu.server_cpu'), 2)} / ${fmt.n(pick(c.arcp, 'cpu.gen_cpu'), 2)}` },
    { title: 'ws conn/s', get: (c) => fmt.n(pick(c.ws, 'conn_per_s')) },
    { title: 'ws ttff p50/p99 ms', get: (c) => `${fmt.ms(pick(c.ws, 'ttff_p50_us'))} / ${fmt.ms(pick(c.ws, 'ttff_p99_us'))}` },
    { title: 'ws errors', get: (c) => fmt.n(pick(c.ws, 'errors')) },
  ],
  async run(ctx) {
    const conns = ctx.quick ? 20 : 10_000;
    const reps = ctx.quick ? 1 : 3;
    const out: CaseResult[] = [];
    for (const channel of ['public', 'agents'] as const) {
      const prof = ctx.quick ? undefined : profileFile(ctx.resultsDir, 'reconnect-storm', channel);
      const arcp = await storms(ctx, 'arcp', channel, conns, reps, prof);
      const ws = await storms(ctx, 'ws', channel, conns, reps);
      const rate = Number(arcp.conn_per_s);
      const errors = Number(arcp.errors);
      const goal = GOALS[channel];
      const misses: string[] = [];
      if (rate < goal) misses.push(`${fmt.n(rate)} conn/s < ${fmt.n(goal)}`);
      if (errors > 0) misses.push(`${errors} errors`);
      const genCpu = Number(pick(arcp, 'cpu.gen_cpu'));
      out.push({
        case: `${channel} N=${conns}`,
        params: { channel, conns, inflight: 256, reps },
        arcp,
        ws,
        ratio: Number(ws.conn_per_s) > 0 ? rate / Number(ws.conn_per_s) : null,
        generator_bound: genCpu >= 0.9,
        target: ctx.quick
          ? { goal: 'none (smoke run)', met: null }
          : {
              goal: `≥ ${fmt.n(goal)} conn/s, 0 errors`,
              met: misses.length === 0,
              ...(misses.length ? { reason: misses.join('; ') } : {}),
            },
      });
    }
    return out;
  },
};
