/**
 * What a command talks to: output streams, the environment (process env over a `.env` file) and
 * the working directory. Commands never touch `process` directly, so tests run them in-process
 * with captured output and a chosen environment.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';

export interface Out {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface CliIO {
  stdout: Out;
  stderr: Out;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Resolves when the user interrupts (Ctrl-C); tail uses it to stop cleanly. */
  interrupted?: Promise<void>;
}

/** A usage mistake: exit code 2 and a pointer to `--help`. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A failure the user can act on: exit code 1 and one line, no stack. */
export class CliError extends Error {
  override name = 'CliError';
}

/**
 * The environment commands see: the process environment, over the `.env` file of `cwd` (or the
 * one named) for the variables it does not set. The file is the one `arcp genconfig` writes.
 */
export function loadEnv(cwd: string, env: Readonly<Record<string, string | undefined>>, file?: string): Record<string, string | undefined> {
  const path = resolve(cwd, file ?? '.env');
  if (!existsSync(path)) {
    if (file !== undefined) throw new CliError(`env file not found: ${path}`);
    return { ...env };
  }
  const fromFile = parseEnv(readFileSync(path, 'utf8')) as Record<string, string>;
  return { ...fromFile, ...Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) };
}

/** ANSI colour only when writing to a terminal and NO_COLOR is unset (https://no-color.org). */
export function painter(out: Out, env: CliIO['env']) {
  const on = out.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
  const wrap = (code: number) => (s: string) => (on ? `\u001b[${code}m${s}\u001b[0m` : s);
  return {
    dim: wrap(2),
    bold: wrap(1),
    red: wrap(31),
    green: wrap(32),
    yellow: wrap(33),
    blue: wrap(34),
    magenta: wrap(35),
    cyan: wrap(36),
    enabled: on,
  };
}
export type Paint = ReturnType<typeof painter>;
