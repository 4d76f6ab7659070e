/**
 * Builds the C load generator on demand (gcc, into the gitignored `bin/`) and drives one wsload
 * process over its stdin protocol: READY line after the ramp, then MARK / REPORT / STALL / QUIT.
 * See `wsload/wsload.c` for what it measures.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnPinned, withTimeout, type Proc } from './procs';

export const BENCH_DIR = resolve(__dirname, '../..');
const SRC_DIR = join(BENCH_DIR, 'wsload');
export const WSLOAD_BIN = join(BENCH_DIR, 'bin', 'wsload');

/** Compiles wsload when the binary is missing or older than any of its sources; returns its path. */
export function ensureWsload(): string {
  const sources = readdirSync(SRC_DIR).map((f) => join(SRC_DIR, f));
  const newest = Math.max(...sources.map((f) => statSync(f).mtimeMs));
  if (existsSync(WSLOAD_BIN) && statSync(WSLOAD_BIN).mtimeMs >= newest) return WSLOAD_BIN;
  mkdirSync(join(BENCH_DIR, 'bin'), { recursive: true });
  execFileSync('gcc', ['-O2', '-Wall', '-o', WSLOAD_BIN, join(SRC_DIR, 'wsload.c'), '-lm'], { stdio: 'pipe', timeout: 60_000 });
  return WSLOAD_BIN;
}

export interface Hist {
  n: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export interface WsloadReport {
  open: number;
  errors: number;
  peer_closed: number;
  stalled: number;
  stalled_closed: number;
  secs: number;
  msgs: number;
  bytes: number;
  msgs_per_s: number;
  lat_n: number;
  lat_us: Hist;
  e2e_us: Hist;
  ttff_us: Hist;
}

export interface ReadyLine {
  open: number;
  errors: number;
  ms: number;
  rate: number;
  ttff_p50_us: number;
  ttff_p99_us: number;
  ttff_max_us: number;
}

export interface WsloadOptions {
  port: number;
  path: string;
  conns: number;
  cpu?: string;
  inflight?: number;
  maxSeconds?: number;
  /** First source octet (127.0.0.S); distinct per generator when several run at once. */
  srcFirst?: number;
  perSrc?: number;
  rampOnly?: boolean;
  waitFrames?: number;
  firstMessagesFile?: string;
  marker?: string;
  /** Look for the marker anywhere in a frame (wsload -S), not only in its first 160 bytes. */
  scanWholeFrame?: boolean;
  stallFraction?: number;
  stallRcvbuf?: number;
}

export interface Wsload {
  readonly proc: Proc;
  ready(timeoutMs: number): Promise<ReadyLine>;
  /** Starts a new measurement window; resolves when wsload has acknowledged it. */
  mark(timeoutMs?: number): Promise<void>;
  report(timeoutMs?: number): Promise<WsloadReport>;
  stall(): void;
  /** Resets every connection and exits (the server sees the closes at once). */
  reset(): Promise<void>;
  quit(): Promise<void>;
}

export function parseReady(line: string): ReadyLine | undefined {
  if (!line.startsWith('READY ')) return undefined;
  const kv = Object.fromEntries(
    line
      .slice(6)
      .split(' ')
      .map((p) => p.split('=') as [string, string]),
  );
  const num = (k: string) => Number(kv[k] ?? NaN);
  return {
    open: num('open'),
    errors: num('errors'),
    ms: num('ms'),
    rate: num('rate'),
    ttff_p50_us: num('ttff_p50_us'),
    ttff_p99_us: num('ttff_p99_us'),
    ttff_max_us: num('ttff_max_us'),
  };
}

export function startWsload(opts: WsloadOptions): Wsload {
  const bin = ensureWsload();
  const args = [
    '-p',
    String(opts.port),
    '-P',
    opts.path,
    '-c',
    String(opts.conns),
    '-k',
    String(opts.inflight ?? 256),
    '-t',
    String(opts.maxSeconds ?? 300),
  ];
  if (opts.srcFirst !== undefined) args.push('-s', String(opts.srcFirst));
  if (opts.perSrc !== undefined) args.push('-n', String(opts.perSrc));
  if (opts.rampOnly) args.push('-R');
  if (opts.waitFrames) args.push('-w', String(opts.waitFrames));
  if (opts.firstMessagesFile) args.push('-A', opts.firstMessagesFile);
  if (opts.marker) args.push('-M', opts.marker);
  if (opts.scanWholeFrame) args.push('-S');
  if (opts.stallFraction) args.push('-x', String(opts.stallFraction));
  if (opts.stallRcvbuf) args.push('-b', String(opts.stallRcvbuf));
  let readyLine: ReadyLine | undefined;
  const waiters: Array<(line: string) => void> = [];
  const proc = spawnPinned('wsload', bin, args, {
    cpu: opts.cpu,
    stdin: true,
    onLine: (line) => {
      const ready = parseReady(line);
      if (ready) readyLine = ready;
      for (const w of waiters.splice(0)) w(line);
    },
  });
  const send = (cmd: string) => {
    if (!proc.exited()) proc.child.stdin?.write(`${cmd}\n`);
  };
  const nextLine = (pred: (line: string) => boolean, timeoutMs: number, what: string): Promise<string> =>
    withTimeout(
      new Promise<string>((resolveLine, reject) => {
        const check = (line: string) => (pred(line) ? resolveLine(line) : waiters.push(check));
        waiters.push(check);
        proc.child.once('close', (code) => reject(new Error(`wsload exited (${code}) waiting for ${what}: ${proc.output().slice(-500)}`)));
      }),
      timeoutMs,
      `wsload ${what}`,
    );
  return {
    proc,
    async ready(timeoutMs) {
      if (readyLine) return readyLine;
      const line = await nextLine((l) => l.startsWith('READY '), timeoutMs, 'READY');
      return parseReady(line)!;
    },
    // Resolves once wsload has reset its window: frames read after this count, none before.
    async mark(timeoutMs = 5000) {
      const marked = nextLine((l) => l === 'MARKED', timeoutMs, 'MARKED');
      send('MARK');
      await marked;
    },
    stall: () => send('STALL'),
    async report(timeoutMs = 5000) {
      const pending = nextLine((l) => l.startsWith('{'), timeoutMs, 'REPORT');
      send('REPORT');
      return JSON.parse(await pending) as WsloadReport;
    },
    async reset() {
      send('RST');
      if (!(await proc.waitExit(5000))) await proc.stop('SIGKILL');
    },
    async quit() {
      send('QUIT');
      if (!(await proc.waitExit(3000))) await proc.stop('SIGKILL');
    },
  };
}

/** What whoever causes a frame writes into it (`"name":"t<epoch µs>"`), for wsload's e2e timing. */
export const E2E_MARKER = '"name":"t';

/**
 * `conns` public subscribers (`/public/ws`), each established once its first frame (the welcome)
 * arrived, with every later frame timed end to end from the marker.
 */
export function startTimedSubscribers(
  port: number,
  conns: number,
  opts: Omit<WsloadOptions, 'port' | 'path' | 'conns' | 'waitFrames' | 'marker'> & { cpu: string; maxSeconds: number },
): Wsload {
  return startWsload({ port, path: '/public/ws', conns, waitFrames: 1, marker: E2E_MARKER, ...opts });
}
