/**
 * Runs the ARCP WebSocket guide's examples (packages/e2e/reference-examples/, copied unchanged)
 * as child processes: node with the browser-globals preload for the JavaScript ones, Debian's
 * /usr/bin/python3 with the examples directory on PYTHONPATH (for the `arcp` conformance client)
 * for the Python ones. `adaptSource` applies the only changes the conformance test allows, to a
 * copy in a temporary directory; the files in the repository are never touched.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const EXAMPLES_DIR = resolve(__dirname, '../reference-examples');
export const PYTHON = '/usr/bin/python3';
const BROWSER_GLOBALS = join(EXAMPLES_DIR, 'harness/browser-globals.js');

/** Whether Debian's python3 with python3-websockets is there, and if not, why. */
export function pythonStatus(): { ok: boolean; reason: string } {
  const probe = spawnSync(PYTHON, ['-c', 'import websockets'], { encoding: 'utf8' });
  if (probe.error) return { ok: false, reason: `${PYTHON} not found (${probe.error.message})` };
  if (probe.status !== 0) return { ok: false, reason: `${PYTHON} cannot import websockets: apt-get install python3-websockets` };
  return { ok: true, reason: '' };
}

export interface Adaptation {
  /** `host:port` of the server under test; replaces every `localhost:8001`. */
  address: string;
  /** Placeholder → real token (each placeholder must occur in the example). */
  tokens?: Record<string, string>;
  /** Drops the example's trailing top-level `asyncio.run(...)` (the driver runs it instead). */
  dropAsyncioRun?: boolean;
  /** Code appended after the example that drives its classes or functions. */
  driver?: string;
}

/** The example's text with the adaptation applied; fails when an adaptation finds nothing to change. */
export function adaptSource(file: string, a: Adaptation): string {
  let text = readFileSync(join(EXAMPLES_DIR, file), 'utf8');
  if (a.dropAsyncioRun) {
    const trailing = /\nasyncio\.run\([^\n]*\)\s*$/;
    if (!trailing.test(text)) throw new Error(`${file} has no trailing asyncio.run(...) to drop`);
    text = text.replace(trailing, '\n');
  }
  if (a.driver) text += `\n# --- driver added by reference-examples.int.test.ts\n${a.driver.trim()}\n`;
  for (const [placeholder, token] of Object.entries(a.tokens ?? {})) {
    if (!text.includes(placeholder)) throw new Error(`${file} has no placeholder ${placeholder}`);
    text = text.split(placeholder).join(token);
  }
  return text.split('localhost:8001').join(a.address);
}

export interface ExampleRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
  /** The test stopped it because `until` was satisfied. */
  readonly stopped: boolean;
  /** The deadline killed it. */
  readonly timedOut: boolean;
}

export interface RunOptions {
  timeoutMs: number;
  /** Stop the example as soon as its stdout satisfies this (for examples that never end). */
  until?: (stdout: string) => boolean;
  /** Called with the stdout so far after each chunk (to drive the example by what it printed). */
  onStdout?: (stdout: string) => void;
  env?: Record<string, string>;
}

/** A scratch directory for adapted copies; `cleanup` removes it. */
export class Workspace {
  readonly dir = mkdtempSync(join(tmpdir(), 'arcp-reference-examples-'));

  write(file: string, text: string): string {
    const path = join(this.dir, file);
    writeFileSync(path, text);
    return path;
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function runNodeExample(path: string, opts: RunOptions): Promise<ExampleRun> {
  return run(process.execPath, ['--require', BROWSER_GLOBALS, path], opts);
}

export function runPythonExample(path: string, opts: RunOptions): Promise<ExampleRun> {
  const env = { PYTHONPATH: EXAMPLES_DIR, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1', ...opts.env };
  return run(PYTHON, [path], { ...opts, env });
}

function run(command: string, args: string[], opts: RunOptions): Promise<ExampleRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let stopped = false;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      opts.onStdout?.(stdout);
      if (!stopped && opts.until?.(stdout)) {
        stopped = true;
        child.kill('SIGTERM');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ stdout, stderr, code, stopped, timedOut });
    });
  });
}
