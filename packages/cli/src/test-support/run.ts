/** Runs `arcp` in-process with captured output, a chosen environment and working directory. */
import { run } from '../cli';
import type { CliIO } from '../io';

export interface Ran {
  code: number;
  out: string;
  err: string;
}

export async function arcp(
  argv: string[],
  opts: { env?: Record<string, string>; cwd?: string; tty?: boolean; interrupted?: Promise<void> } = {},
): Promise<Ran> {
  let out = '';
  let err = '';
  const io: CliIO = {
    stdout: { write: (s: string) => (out += s), isTTY: opts.tty ?? false },
    stderr: { write: (s: string) => (err += s), isTTY: false },
    env: opts.env ?? {},
    cwd: opts.cwd ?? '/nonexistent-arcp-test-dir',
    interrupted: opts.interrupted,
  };
  const code = await run(argv, io);
  return { code, out, err };
}
