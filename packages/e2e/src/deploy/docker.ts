/**
 * The Docker and Compose command lines the deployment test drives: one runner that captures
 * output (or streams it), and the Compose flavour found here: `docker compose` (v2) when the
 * plugin answers, else `docker-compose` (v1.29); ARCP_COMPOSE overrides the choice.
 */
import { spawn, spawnSync } from 'node:child_process';

export interface CmdResult {
  code: number | null;
  stdout: string;
  /** stdout and stderr, interleaved as they came. */
  output: string;
}

export interface CmdOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Echo output to this process's stderr as it comes (long builds). */
  stream?: boolean;
  /** Kill the command after this long. */
  timeoutMs?: number;
}

/** Runs `cmd args` to completion; never throws (see `must`). */
export function runCmd(cmd: string, args: readonly string[], opts: CmdOptions = {}): Promise<CmdResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let output = '';
    const keep = (chunk: Buffer, isOut: boolean) => {
      const text = chunk.toString();
      if (isOut) stdout += text;
      output = (output + text).slice(-200_000);
      if (opts.stream) process.stderr.write(text);
    };
    child.stdout.on('data', (c: Buffer) => keep(c, true));
    child.stderr.on('data', (c: Buffer) => keep(c, false));
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: -1, stdout, output: `${output}${err.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, output });
    });
  });
}

/** The result of a command that must succeed; throws with its output otherwise. */
export async function must(what: string, p: Promise<CmdResult>): Promise<CmdResult> {
  const r = await p;
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}):\n${r.output.slice(-4000)}`);
  return r;
}

export const docker = (args: readonly string[], opts: CmdOptions = {}): Promise<CmdResult> => runCmd('docker', args, opts);

/** `docker info` answers: an engine is reachable. */
export async function engineAnswers(): Promise<boolean> {
  return (await docker(['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 20_000 })).code === 0;
}

/** The Compose command as argv prefix, or null when neither flavour is installed. */
export function findCompose(env: NodeJS.ProcessEnv = process.env): string[] | null {
  const answers = (argv: string[]) => spawnSync(argv[0]!, [...argv.slice(1), 'version'], { stdio: 'ignore', timeout: 20_000 }).status === 0;
  if (env.ARCP_COMPOSE) {
    const argv = env.ARCP_COMPOSE.trim().split(/\s+/);
    if (!argv[0] || !answers(argv))
      throw new Error(`ARCP_COMPOSE="${env.ARCP_COMPOSE}" does not answer \`version\` (use "docker compose" or "docker-compose")`);
    return argv;
  }
  for (const argv of [['docker', 'compose'], ['docker-compose']]) if (answers(argv)) return argv;
  return null;
}
