/**
 * idle-memory: server RSS and V8 heap per idle public connection at 1k / 10k / 19.9k clients
 * (19.9k: the per-process RLIMIT_NOFILE of 20,000 on this box). For each size a fresh gateway
 * starts; the probe preload GCs it and reads memory before the clients connect and again once
 * every client has its welcome frame and the server has settled. Per connection = delta / N.
 * Also reported: the ramp rate and the kernel slab growth per connection pair (both ends of a
 * loopback connection live on this box; it applies to any server).
 */
import { sleep } from '../lib/procs';
import { waitConnections, withGateway, slabBytes } from '../lib/scenario';
import { benchPrefix, CLIENT_CPU, type Impl } from '../lib/servers';
import { fmt, pick, type Bench, type CaseResult, type RunContext } from '../lib/types';
import { startWsload } from '../lib/wsload';

interface MemResult {
  conns: number;
  errors: number;
  ramp_rate: number;
  rss_base: number;
  rss_loaded: number;
  heap_base: number;
  heap_loaded: number;
  rss_per_conn: number;
  heap_per_conn: number;
  external_per_conn: number;
  slab_per_conn_pair: number;
}

async function measure(ctx: RunContext, impl: Impl, conns: number): Promise<MemResult> {
  return withGateway({ impl, channel: 'public', natsUrl: ctx.natsUrl, prefix: benchPrefix(`mem${impl}${conns}`) }, async (gw) => {
    await sleep(ctx.quick ? 200 : 1000);
    await gw.probe(); // the first GC after start-up frees start-up garbage
    const base = await gw.probe();
    const slab0 = slabBytes();
    const gen = startWsload({ port: gw.port, path: '/public/ws', conns, cpu: CLIENT_CPU, waitFrames: 1, inflight: 256, maxSeconds: 300 });
    try {
      const ready = await gen.ready(120_000);
      await waitConnections(gw, (n) => n >= ready.open, 10_000);
      await sleep(ctx.quick ? 200 : 1500);
      const loaded = await gw.probe();
      const slab1 = slabBytes();
      const n = Math.max(1, ready.open);
      ctx.log(
        `  ${impl} ${ready.open} idle conns: RSS ${fmt.b(base.rss)} → ${fmt.b(loaded.rss)} (${fmt.b((loaded.rss - base.rss) / n)}/conn), heap ${fmt.b((loaded.heapUsed - base.heapUsed) / n)}/conn, ramp ${fmt.n(ready.rate)}/s`,
      );
      return {
        conns: ready.open,
        errors: ready.errors,
        ramp_rate: ready.rate,
        rss_base: base.rss,
        rss_loaded: loaded.rss,
        heap_base: base.heapUsed,
        heap_loaded: loaded.heapUsed,
        rss_per_conn: (loaded.rss - base.rss) / n,
        heap_per_conn: (loaded.heapUsed - base.heapUsed) / n,
        external_per_conn: (loaded.external - base.external) / n,
        slab_per_conn_pair: (slab1 - slab0) / n,
      };
    } finally {
      await gen.quit();
    }
  });
}

export const idleMemory: Bench = {
  name: 'idle-memory',
  title: 'RSS and V8 heap per idle public connection',
  budgetS: 90,
  ratioLabel: 'ws/arcp RSS per conn',
  columns: [
    { title: 'arcp RSS/conn', get: (c) => fmt.b(pick(c.arcp, 'rss_per_conn')) },
    { title: 'arcp heap/conn', get: (c) => fmt.b(pick(c.arcp, 'heap_per_conn')) },
    { title: 'arcp RSS total', get: (c) => fmt.b(pick(c.arcp, 'rss_loaded')) },
    { title: 'ws RSS/conn', get: (c) => fmt.b(pick(c.ws, 'rss_per_conn')) },
    { title: 'ws heap/conn', get: (c) => fmt.b(pick(c.ws, 'heap_per_conn')) },
    { title: 'ws RSS total', get: (c) => fmt.b(pick(c.ws, 'rss_loaded')) },
    { title: 'kernel slab/conn pair', get: (c) => fmt.b(pick(c.arcp, 'slab_per_conn_pair')) },
  ],
  async run(ctx) {
    const sizes = ctx.quick ? [20] : [1000, 10000, 19900];
    const out: CaseResult[] = [];
    for (const conns of sizes) {
      if (Date.now() > ctx.deadline) break;
      const arcp = await measure(ctx, 'arcp', conns);
      const ws = await measure(ctx, 'ws', conns);
      const judged = conns === 19900;
      const misses: string[] = [];
      if (judged && arcp.rss_per_conn > 2048) misses.push(`RSS ${fmt.b(arcp.rss_per_conn)}/conn > 2.0 KB`);
      if (judged && arcp.heap_per_conn > 300) misses.push(`heap ${fmt.b(arcp.heap_per_conn)}/conn > 300 B`);
      if (arcp.conns < conns) misses.push(`only ${arcp.conns} of ${conns} connected`);
      out.push({
        case: `N=${conns}`,
        params: { conns },
        arcp: { ...arcp },
        ws: { ...ws },
        ratio: arcp.rss_per_conn > 0 ? ws.rss_per_conn / arcp.rss_per_conn : null,
        generator_bound: false,
        target: judged
          ? {
              goal: '≤ 2.0 KB RSS and ≤ 300 B heap per conn at 19.9k',
              met: misses.length === 0,
              ...(misses.length ? { reason: misses.join('; ') } : {}),
            }
          : { goal: 'judged at 19.9k only', met: null },
        notes: arcp.errors || ws.errors ? [`connect errors: arcp ${arcp.errors}, ws ${ws.errors}`] : [],
      });
    }
    return out;
  },
};
