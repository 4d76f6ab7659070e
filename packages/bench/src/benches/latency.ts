/**
 * latency: HTTP register on the registry → `agents_update` received by every public subscriber,
 * p50/p99 over all subscribers and registrations, at 1k and 10k subscribers. The harness asks
 * for a temp token (not timed), then posts the registration with `name = t<epoch µs>` taken just
 * before the request; the registry writes the KV entry before answering, the gateway's watch
 * turns it into one `agents_update`, and wsload reads the marker (-M '"name":"t') on arrival.
 * After each registration the agent is unregistered, so every frame carries one agent and the
 * marker is always the newest registration. Registrations are spaced so frames never overlap.
 * Directory coalescing is 0 ms here (default 50 ms would add up to 50 ms by design).
 */
import { randomBytes } from 'node:crypto';
import { sleep } from '../lib/procs';
import { withGateway } from '../lib/scenario';
import { benchPrefix, CLIENT_CPU, startRegistry, type Impl, type Registry } from '../lib/servers';
import { fmt, pick, type Bench, type CaseResult, type RunContext } from '../lib/types';
import { WindowMeter } from '../lib/window';
import { startWsload } from '../lib/wsload';
import { E2E_MARKER } from '../lib/ladder';
import { registrationFields } from '../feeder/agent-doc';

const nowMicros = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

async function post(url: string, body: unknown, token?: string, method = 'POST'): Promise<Record<string, unknown>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (res.status !== 200) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const registration = registrationFields;

/** One register (timed by the marker) + unregister cycle; returns the HTTP register round trip (µs). */
async function cycle(reg: Registry, i: number, gapMs: number): Promise<number> {
  const agentId = `lat-${i}`;
  const key = reg.agentKeys[i % reg.agentKeys.length]!;
  const temp = await post(`${reg.url}/auth/agent/request_temp_token`, { agent_id: agentId, agent_type: 'testing', agent_key: key });
  const t0 = nowMicros();
  const done = await post(`${reg.url}/agents/register`, registration(agentId, `t${t0}`), String(temp.temp_token));
  const rtt = nowMicros() - t0;
  await sleep(gapMs);
  await post(`${reg.url}/agents/${agentId}`, undefined, String(done.access_token), 'DELETE');
  await sleep(gapMs);
  return rtt;
}

async function measure(ctx: RunContext, impl: Impl, subs: number, count: number, gapMs: number): Promise<Record<string, unknown>> {
  const prefix = benchPrefix(`lat${impl}${subs}`);
  const secret = randomBytes(32).toString('hex');
  const reg = await startRegistry(ctx.natsUrl, prefix, secret);
  try {
    return await withGateway({ impl, channel: 'public', natsUrl: ctx.natsUrl, prefix, env: { JWT_SECRET: secret } }, async (gw) => {
      const gen = startWsload({ port: gw.port, path: '/public/ws', conns: subs, cpu: CLIENT_CPU, waitFrames: 1, marker: E2E_MARKER, maxSeconds: 300 });
      try {
        await gen.ready(60_000);
        await cycle(reg, 9999, gapMs); // warm-up: first registration compiles the registry's paths
        const meter = new WindowMeter({ server: [gw.proc.pid], gen: [gen.proc.pid], aux: [reg.proc.pid, ctx.natsPid] });
        gen.mark();
        meter.start();
        const rtts: number[] = [];
        for (let i = 0; i < count && Date.now() < ctx.deadline; i++) rtts.push(await cycle(reg, i, gapMs));
        const rep = await gen.report();
        const cpu = meter.end();
        rtts.sort((a, b) => a - b);
        const expected = rtts.length * subs;
        ctx.log(`  ${impl} N=${subs}: ${rtts.length} registrations, e2e p50/p99/max ${fmt.ms(rep.e2e_us.p50)}/${fmt.ms(rep.e2e_us.p99)}/${fmt.ms(rep.e2e_us.max)} ms over ${rep.e2e_us.n} of ${expected} frames`);
        return {
          registrations: rtts.length,
          frames: rep.e2e_us.n,
          coverage: expected ? rep.e2e_us.n / expected : 0,
          e2e_us: rep.e2e_us,
          server_stamp_us: rep.lat_us,
          http_register_p50_us: rtts[Math.floor(rtts.length / 2)] ?? -1,
          cpu,
        };
      } finally {
        await gen.quit();
      }
    });
  } finally {
    await reg.stop();
  }
}

const GOAL_MS: Record<number, number> = { 1000: 15, 10000: 120 };

export const latency: Bench = {
  name: 'latency',
  title: 'HTTP register → agents_update received (registry → KV → gateway → subscribers)',
  budgetS: 120,
  ratioLabel: 'ws/arcp p99',
  columns: [
    { title: 'arcp p50/p99/max ms', get: (c) => `${fmt.ms(pick(c.arcp, 'e2e_us.p50'))} / ${fmt.ms(pick(c.arcp, 'e2e_us.p99'))} / ${fmt.ms(pick(c.arcp, 'e2e_us.max'))}` },
    { title: 'arcp frames seen', get: (c) => `${fmt.n(pick(c.arcp, 'frames'))} (${fmt.n(Number(pick(c.arcp, 'coverage')) * 100, 1)}%)` },
    { title: 'ws p50/p99/max ms', get: (c) => `${fmt.ms(pick(c.ws, 'e2e_us.p50'))} / ${fmt.ms(pick(c.ws, 'e2e_us.p99'))} / ${fmt.ms(pick(c.ws, 'e2e_us.max'))}` },
    { title: 'HTTP register p50 ms', get: (c) => fmt.ms(pick(c.arcp, 'http_register_p50_us')) },
  ],
  async run(ctx) {
    const sizes = ctx.quick ? [20] : [1000, 10000];
    const out: CaseResult[] = [];
    for (const subs of sizes) {
      // Registrations are sequential; the gap outlasts the slowest delivery seen (max ~200 ms at 10k).
      const count = ctx.quick ? 3 : subs >= 10000 ? 25 : 50;
      const gapMs = ctx.quick ? 100 : subs >= 10000 ? 400 : 150;
      const arcp = await measure(ctx, 'arcp', subs, count, gapMs);
      const ws = await measure(ctx, 'ws', subs, count, gapMs);
      const p99 = Number(pick(arcp, 'e2e_us.p99'));
      const wsP99 = Number(pick(ws, 'e2e_us.p99'));
      const goal = GOAL_MS[subs];
      const misses: string[] = [];
      if (goal && !(p99 >= 0 && p99 <= goal * 1000)) misses.push(`p99 ${fmt.ms(p99)} ms > ${goal} ms`);
      if (goal && Number(arcp.coverage) < 0.99) misses.push(`only ${fmt.n(Number(arcp.coverage) * 100, 1)}% of frames seen`);
      const contended = (arcp.cpu as { contended: boolean }).contended || (ws.cpu as { contended: boolean }).contended;
      out.push({
        case: `N=${subs}`,
        params: { subs, registrations: count, gap_ms: gapMs, coalesce_ms: 0 },
        arcp,
        ws,
        ratio: p99 > 0 && wsP99 > 0 ? wsP99 / p99 : null,
        generator_bound: false,
        target: goal ? { goal: `p99 ≤ ${goal} ms`, met: misses.length === 0, ...(misses.length ? { reason: misses.join('; ') } : {}) } : { goal: 'none (smoke run)', met: null },
        notes: contended ? ['other processes took CPU during the window (contended)'] : [],
      });
    }
    return out;
  },
};
