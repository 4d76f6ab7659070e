/**
 * How fast a gateway's internal ops endpoint answers while it works: `/readyz` every 200 ms and
 * `/metrics` every second, each bounded by 2 s (a request that times out counts as 2000 ms).
 * Run during a measurement window; `stop()` returns the worst and the p99 latency of each.
 */
import type { Gateway } from './servers';

export interface OpsLatency {
  readyz_max_ms: number;
  readyz_p99_ms: number;
  metrics_max_ms: number;
  metrics_p99_ms: number;
  samples: number;
}

const TIMEOUT_MS = 2000;

async function timed(url: string): Promise<number> {
  const t0 = performance.now();
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    await res.arrayBuffer();
  } catch {
    return TIMEOUT_MS;
  }
  return performance.now() - t0;
}

const p99 = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))]! : -1);

export function probeOps(gws: readonly Gateway[]): { stop(): Promise<OpsLatency> } {
  const readyz: number[] = [];
  const metrics: number[] = [];
  let running = true;
  const loop = async (path: string, everyMs: number, into: number[]) => {
    while (running) {
      const started = performance.now();
      const ms = await Promise.all(gws.map((g) => timed(`http://127.0.0.1:${g.opsPort}${path}`)));
      into.push(Math.max(...ms));
      const left = everyMs - (performance.now() - started);
      if (running && left > 0) await new Promise((r) => setTimeout(r, left));
    }
  };
  const loops = [loop('/readyz', 200, readyz), loop('/metrics', 1000, metrics)];
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return {
        readyz_max_ms: Math.max(-1, ...readyz),
        readyz_p99_ms: p99(readyz),
        metrics_max_ms: Math.max(-1, ...metrics),
        metrics_p99_ms: p99(metrics),
        samples: readyz.length + metrics.length,
      };
    },
  };
}
