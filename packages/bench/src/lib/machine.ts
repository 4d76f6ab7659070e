/**
 * What a result line says about where it was measured: CPU model, cores, kernel, Node version,
 * RLIMIT_NOFILE, the date and the git commit (read-only git queries; "+dirty" when the working
 * tree has changes).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { ROOT } from './node-proc';

export interface Machine {
  cpu_model: string;
  cores: number;
  kernel: string;
  node: string;
  mem_gib: number;
  nofile_limit: string;
  load_avg_1m: number;
}

function sh(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
  } catch {
    return '';
  }
}

export function machine(): Machine {
  let load = 0;
  try {
    load = Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  } catch {
    // not Linux
  }
  return {
    cpu_model: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    kernel: release(),
    node: process.version,
    mem_gib: Math.round(totalmem() / 2 ** 30),
    nofile_limit: sh('sh', ['-c', 'ulimit -Hn']) || 'unknown',
    load_avg_1m: load,
  };
}

export function gitCommit(): string {
  const head = sh('git', ['rev-parse', '--short=12', 'HEAD']) || 'unknown';
  const dirty = sh('git', ['status', '--porcelain', '--untracked-files=no']) !== '';
  return dirty ? `${head}+dirty` : head;
}
