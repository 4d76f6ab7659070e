/**
 * Whole-process CPU profile with Linux `perf` (cpu-clock sampling, no call graphs): unlike the V8
 * profiler it sees uWS's native code, V8/libuv inside the node binary, libc and the kernel
 * (loopback TCP is billed to the sender), which is where a uWS gateway's core mostly goes. JIT'd
 * JavaScript shows up as unnamed addresses (`[JIT]`/`perf-<pid>.map`). Optional: when `perf` is
 * missing or not permitted, `perfRecord` resolves undefined. The text report is kept next to the
 * .cpuprofile (`<name>.perf.txt`).
 */
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { CLIENT_CPU } from './servers';

export interface PerfEntry {
  name: string;
  pct: number;
}

export interface PerfSummary {
  file: string;
  samples: number;
  by_dso: PerfEntry[];
  top_symbols: PerfEntry[];
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout) => resolve(err ? undefined : stdout));
  });
}

/** Parses `perf report --stdio` lines like `  28.16%  [kernel.kallsyms]  [k] do_syscall_64`. */
export function parsePerfReport(text: string, limit: number): PerfEntry[] {
  const out: PerfEntry[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s+([\d.]+)%\s+(.+?)\s*$/.exec(line);
    if (!m) continue;
    out.push({ name: m[2]!.replace(/\s{2,}/g, ' '), pct: Number(m[1]) });
    if (out.length >= limit) break;
  }
  return out;
}

/** Samples `pid` for `ms` (perf pinned to the client CPU) and summarises by DSO and by symbol. */
export async function perfRecord(pid: number, ms: number, textFile: string): Promise<PerfSummary | undefined> {
  const data = `${textFile}.data`;
  try {
    const secs = (ms / 1000).toFixed(1);
    const rec = await run(
      'taskset',
      ['-c', CLIENT_CPU, 'perf', 'record', '-q', '-e', 'cpu-clock', '-F', '499', '-p', String(pid), '-o', data, '--', 'sleep', secs],
      ms + 20_000,
    );
    if (rec === undefined) return undefined;
    const common = ['report', '-i', data, '--stdio', '--percent-limit', '0.5'];
    const byDso = await run('perf', [...common, '--sort', 'dso'], 60_000);
    const bySym = await run('perf', [...common, '--sort', 'dso,sym'], 60_000);
    if (byDso === undefined || bySym === undefined) return undefined;
    const m = /^# Samples: ([\d.]+)([KM]?)/m.exec(byDso);
    const samples = m ? Number(m[1]) * (m[2] === 'K' ? 1e3 : m[2] === 'M' ? 1e6 : 1) : 0;
    writeFileSync(textFile, `# perf record -e cpu-clock -F 499 -p <gateway> for ${secs} s\n\n${byDso}\n\n${bySym}`);
    return { file: textFile, samples, by_dso: parsePerfReport(byDso, 8), top_symbols: parsePerfReport(bySym, 12) };
  } finally {
    rmSync(data, { force: true });
  }
}
