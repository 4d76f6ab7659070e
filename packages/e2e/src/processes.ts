/**
 * Spawns the product's real entry points (`services/<name>/src/main.ts` with the tsx loader and
 * the source export condition, as `pnpm start` runs the standalone one) and waits for their
 * `/readyz`. The loader runs inside one node process (not the tsx CLI, which forks a child), so a
 * SIGKILL really kills the server. Output is kept so a failing test can show what it said.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../../..');

export interface Proc {
  readonly name: string;
  readonly opsPort: number;
  readonly child: ChildProcess;
  output(): string;
  /** SIGKILL (a crash) or SIGTERM (graceful); resolves when the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export function spawnService(name: string, entry: string, env: NodeJS.ProcessEnv, opsPort: number): Proc {
  const child = spawn(process.execPath, ['--conditions=@arcp/source', '--import', 'tsx', join(ROOT, entry)], {
    cwd: ROOT,
    env: { ...process.env, ...env, OPS_PORT: String(opsPort), OPS_HOST: '127.0.0.1', CI: undefined },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    name,
    opsPort,
    child,
    output: () => out,
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Polls `/readyz` until 200; fails with the process output when it exits or times out. */
export async function waitReady(proc: Proc, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited with ${proc.child.exitCode}:\n${proc.output()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${proc.opsPort}/readyz`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${proc.name} not ready within ${timeoutMs} ms:\n${proc.output()}`);
}
