/**
 * Small building blocks the benchmarks share: a gateway that is always stopped, waiting for the
 * server's connection count, sampling a process's RSS over a window, and the kernel's slab.
 */
import { readFileSync } from 'node:fs';
import { rssBytes, sleep } from './procs';
import { promSum, startGateway, type Gateway, type GatewayOptions } from './servers';

export async function withGateway<T>(opts: GatewayOptions, fn: (gw: Gateway) => Promise<T>): Promise<T> {
  const gw = await startGateway(opts);
  try {
    return await fn(gw);
  } finally {
    await gw.stop();
  }
}

/** Open sockets the server reports (`arcp_gateway_connections`). */
export async function serverConnections(gw: Gateway): Promise<number> {
  return promSum(await gw.metrics(), 'arcp_gateway_connections');
}

/** Polls until the server's connection count satisfies `ok` (bounded); returns the last count. */
export async function waitConnections(gw: Gateway, ok: (n: number) => boolean, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let n = await serverConnections(gw);
  while (!ok(n) && Date.now() < deadline) {
    await sleep(200);
    n = await serverConnections(gw);
  }
  return n;
}

/** Samples a process's RSS every `everyMs` until `stop()`; `max()` is the peak seen. */
export function rssSampler(pid: number, everyMs = 250): { max(): number; stop(): void } {
  let max = rssBytes(pid);
  const timer = setInterval(() => {
    max = Math.max(max, rssBytes(pid));
  }, everyMs);
  return { max: () => max, stop: () => clearInterval(timer) };
}

/** Kernel slab memory (bytes): sockets live there, on both ends of a loopback connection. */
export function slabBytes(): number {
  try {
    const m = /^Slab:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}
