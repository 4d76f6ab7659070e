/**
 * The shape of a benchmark and of one result line. A benchmark runs cases; each case measures
 * the product (`arcp`) and the `ws` baseline in the same run and says whether the target was met.
 */
import type { Machine } from './machine';

export interface Target {
  /** The goal as stated in the issue, e.g. ">= 1.0M deliveries/s, p99 <= 20 ms". */
  goal: string;
  /** null when the case has no target of its own (e.g. a supporting measurement). */
  met: boolean | null;
  /** Why it was missed (or why it is not judged); empty when met. */
  reason?: string;
}

export interface CaseResult {
  case: string;
  params: Record<string, unknown>;
  arcp: Record<string, unknown>;
  ws?: Record<string, unknown>;
  /** The same timing against raw uWebSockets.js in the same run (the floor under arcp and ws), where a bench measures it. */
  floor?: Record<string, unknown>;
  /** arcp / ws on the headline figure (higher is better unless the bench says otherwise). */
  ratio?: number | null;
  /** The load generator (wsload ≥ 0.9 core, or the whole client core) was the limit. */
  generator_bound: boolean;
  target: Target;
  notes?: string[];
}

export interface ResultLine extends CaseResult {
  bench: string;
  run_id: string;
  date: string;
  commit: string;
  machine: Machine;
  quick: boolean;
  /** How busy each CPU was just before the benchmark started (other people's jobs). */
  box_busy_at_start?: number[];
}

export interface RunContext {
  readonly runId: string;
  readonly natsUrl: string;
  /** nats-server's pid, for the client core's CPU accounting. */
  readonly natsPid: number;
  /** Small sizes and short windows (smoke test): numbers are not meaningful. */
  readonly quick: boolean;
  /** Where profiles and scratch files of this run go. */
  readonly resultsDir: string;
  /** Wall-clock deadline (ms epoch) of this benchmark; loops stop early past it. */
  readonly deadline: number;
  log(msg: string): void;
}

export interface Column {
  title: string;
  get(c: ResultLine): string;
}

export interface Bench {
  readonly name: string;
  readonly title: string;
  /** Upper bound of this benchmark's run time (s); the CLI enforces it. */
  readonly budgetS: number;
  /** What `ratio` means for this benchmark, e.g. "arcp/ws deliveries/s". */
  readonly ratioLabel: string;
  readonly columns: Column[];
  run(ctx: RunContext): Promise<CaseResult[]>;
}

/** Formatting helpers for the tables. */
export const fmt = {
  n(v: unknown, digits = 0): string {
    if (typeof v !== 'number' || !Number.isFinite(v)) return '–';
    if (Math.abs(v) >= 1e6) return `${(v / 1e6).toFixed(2)}M`;
    if (Math.abs(v) >= 1e4) return `${(v / 1e3).toFixed(1)}k`;
    return v.toFixed(digits);
  },
  ms(us: unknown): string {
    return typeof us === 'number' && us >= 0 ? (us / 1000).toFixed(1) : '–';
  },
  /** `p50 / p99 / max` in ms of a result's end-to-end histogram (`e2e_us`); '—' without a result. */
  e2e(result: Record<string, unknown> | undefined): string {
    if (!result) return '—';
    return `${fmt.ms(pick(result, 'e2e_us.p50'))} / ${fmt.ms(pick(result, 'e2e_us.p99'))} / ${fmt.ms(pick(result, 'e2e_us.max'))}`;
  },
  x(v: unknown): string {
    return typeof v === 'number' && Number.isFinite(v) ? `${v.toFixed(2)}×` : '–';
  },
  b(v: unknown): string {
    if (typeof v !== 'number' || !Number.isFinite(v)) return '–';
    return Math.abs(v) >= 1e6
      ? `${(v / 2 ** 20).toFixed(1)} MiB`
      : Math.abs(v) >= 1e4
        ? `${(v / 1024).toFixed(1)} KiB`
        : `${Math.round(v)} B`;
  },
};

/** Reads a nested number (`"a.b.c"`) from a record; undefined when absent. */
export function pick(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}
