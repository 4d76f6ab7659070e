/**
 * Drives the bus feeder child (`src/feeder/main.ts`, pinned to the client CPU): start it on a
 * bucket, set its write rate, read its counters. See the feeder's header for the modes.
 */
import { spawnNodeEntry, waitLine } from './node-proc';
import { withTimeout, type Proc } from './procs';
import { CLIENT_CPU } from './servers';

export interface FeederReport {
  sent: number;
  window_sent: number;
  /** Heartbeat mode: heartbeat-log entries written in the window (each holds one tick's heartbeats). */
  window_entries: number;
  secs: number;
  rate: number;
  /** Change mode: the marker (`t<epoch µs>`) of the newest write. */
  last_marker: string;
}

export interface Feeder {
  readonly proc: Proc;
  setRate(perSecond: number): void;
  report(): Promise<FeederReport>;
  quit(): Promise<void>;
}

export interface FeederOptions {
  natsUrl: string;
  bucket: string;
  mode: 'change' | 'heartbeat' | 'frames';
  /** Subject of the `frames` mode. */
  subject?: string;
  keys?: number;
  maxS?: number;
  cpu?: string;
}

export async function startFeeder(opts: FeederOptions): Promise<Feeder> {
  const lines: string[] = [];
  const waiters: Array<(l: string) => void> = [];
  const proc = spawnNodeEntry('feeder', 'packages/bench/src/feeder/main.ts', {
    cpu: opts.cpu ?? CLIENT_CPU,
    stdin: true,
    env: {
      NATS_URL: opts.natsUrl,
      FEED_BUCKET: opts.bucket,
      FEED_MODE: opts.mode,
      FEED_KEYS: String(opts.keys ?? 1),
      FEED_MAX_S: String(opts.maxS ?? 600),
      FEED_SUBJECT: opts.subject ?? 'bench.frames',
    },
    onLine: (l) => {
      lines.push(l);
      for (const w of waiters.splice(0)) w(l);
    },
  });
  await waitLine(proc, lines, /^FEEDER READY/, 60_000);
  const send = (cmd: string) => {
    if (!proc.exited()) proc.child.stdin?.write(`${cmd}\n`);
  };
  return {
    proc,
    setRate: (r) => send(`RATE ${Math.round(r)}`),
    async report() {
      const next = new Promise<string>((resolve) => {
        const check = (l: string) => (l.startsWith('{') ? resolve(l) : waiters.push(check));
        waiters.push(check);
      });
      send('REPORT');
      return JSON.parse(await withTimeout(next, 5000, 'feeder REPORT')) as FeederReport;
    },
    async quit() {
      send('QUIT');
      await proc.stop('SIGTERM', 3000);
    },
  };
}
