/**
 * Summarises a V8 .cpuprofile: share of busy samples (idle excluded) by function (self time) and
 * by module (workspace package, npm package, node internals, native/GC), for BENCHMARKS.md, and
 * profiles a running gateway with both the V8 sampler and perf (`profileServer`).
 * Profiles are kept under results/profiles/; ones over 1 MB get a `.large.cpuprofile` name,
 * which the bench package's .gitignore excludes.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { perfRecord, type PerfSummary } from './perf';
import type { Gateway } from './servers';

interface CpuNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: CpuNode[];
  samples?: number[];
}

export interface ProfileEntry {
  name: string;
  pct: number;
}

export interface ProfileSummary {
  file: string;
  busy_samples: number;
  idle_pct: number;
  top_functions: ProfileEntry[];
  by_module: ProfileEntry[];
  /** The same window seen by `perf` (native code and kernel included), when available. */
  native?: PerfSummary;
}

/** `packages/ws-engine`, `nats`, `node:internal`, `(garbage collector)`… for a frame's url. */
export function moduleOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pnpm = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pnpm) return pnpm[1]!;
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  const ws = /\/(packages|services)\/([^/]+)\//.exec(url);
  if (ws) return `${ws[1]}/${ws[2]}`;
  if (url.startsWith('node:')) return 'node (internals)';
  return url.split('/').slice(-2).join('/');
}

export function summarize(file: string, top = 12): ProfileSummary {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const hits = new Map<number, number>();
  if (prof.samples?.length) for (const id of prof.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  else for (const n of prof.nodes) hits.set(n.id, n.hitCount ?? 0);
  let idle = 0;
  let busy = 0;
  const fns = new Map<string, number>();
  const mods = new Map<string, number>();
  for (const [id, count] of hits) {
    const n = byId.get(id);
    if (!n) continue;
    const { functionName, url, lineNumber } = n.callFrame;
    if (functionName === '(idle)') {
      idle += count;
      continue;
    }
    busy += count;
    // Line numbers of TypeScript files are those of tsx's output, not the source: leave them out.
    const file = url.split('/').slice(-2).join('/');
    const where = !url ? '' : url.endsWith('.ts') ? ` ${file}` : ` ${file}:${lineNumber + 1}`;
    const key = `${functionName || '(anonymous)'}${where}`;
    fns.set(key, (fns.get(key) ?? 0) + count);
    const mod = moduleOf(url, functionName);
    mods.set(mod, (mods.get(mod) ?? 0) + count);
  }
  const rank = (m: Map<string, number>, k: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([name, c]) => ({ name, pct: busy ? (100 * c) / busy : 0 }));
  return {
    file,
    busy_samples: busy,
    idle_pct: busy + idle ? (100 * idle) / (busy + idle) : 0,
    top_functions: rank(fns, top),
    by_module: rank(mods, 8),
  };
}

/** Renames a profile over 1 MB to `*.large.cpuprofile` (gitignored); returns the final path. */
export function keepProfile(file: string): string {
  if (statSync(file).size <= 1024 * 1024) return file;
  const large = file.replace(/\.cpuprofile$/, '.large.cpuprofile');
  renameSync(file, large);
  return large;
}

/** Where the latest profile of a benchmark case goes (one per case, replaced by each run). */
export function profileFile(resultsDir: string, bench: string, kase: string): string {
  const dir = join(resultsDir, 'profiles');
  mkdirSync(dir, { recursive: true });
  const base = `${bench}-${kase
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase()}`;
  rmSync(join(dir, `${base}.large.cpuprofile`), { force: true });
  return join(dir, `${base}.cpuprofile`);
}

/** Keeps the profile (renamed when large) and summarises it; undefined when it was not written. */
export function finishProfile(file: string): ProfileSummary | undefined {
  try {
    return summarize(keepProfile(file));
  } catch {
    return undefined;
  }
}

/** Profiles a running gateway for `ms` with both the V8 sampler and perf; undefined if neither worked. */
export async function profileServer(gw: Gateway, ms: number, file: string): Promise<ProfileSummary | undefined> {
  const [, native] = await Promise.all([
    gw.profile(ms, file).catch(() => undefined),
    perfRecord(gw.proc.pid, ms, file.replace(/\.cpuprofile$/, '.perf.txt')),
  ]);
  const js = finishProfile(file);
  return js ? { ...js, ...(native ? { native } : {}) } : undefined;
}
