/**
 * The driver's step log: each step prints its start, then `ok`/`FAILED` with its duration, and
 * the run ends with one table of every step (and every test of the suite) and the figures the
 * suite measured.
 */
export interface StepResult {
  name: string;
  ok: boolean;
  ms: number;
  note?: string;
  /** A test filtered out on purpose (jest -t); neither ok nor failed. */
  skipped?: boolean;
}

export const secs = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

export class StepLog {
  readonly results: StepResult[] = [];
  constructor(private readonly out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)) {}

  /** Runs one step; its error propagates after the step is logged as failed. */
  async run<T>(name: string, fn: () => Promise<T>, note?: (value: T) => string | undefined): Promise<T> {
    this.out(`\n=== ${name}`);
    const started = Date.now();
    try {
      const value = await fn();
      this.record({ name, ok: true, ms: Date.now() - started, note: note?.(value) });
      return value;
    } catch (err) {
      this.record({ name, ok: false, ms: Date.now() - started, note: (err as Error).message.split('\n')[0] });
      throw err;
    }
  }

  record(r: StepResult, quiet = false): void {
    this.results.push(r);
    if (!quiet) this.out(`=== ${r.name}: ${r.ok ? 'ok' : 'FAILED'} in ${secs(r.ms)}${r.note ? ` (${r.note})` : ''}`);
  }

  get failed(): boolean {
    return this.results.some((r) => !r.ok && !r.skipped);
  }

  summary(measured: ReadonlyArray<{ name: string; value: string }>, totalMs: number): string {
    const lines = ['', `test:deploy summary (${secs(totalMs)} in all)`];
    for (const r of this.results)
      lines.push(
        `  ${r.skipped ? 'skip  ' : r.ok ? 'ok    ' : 'FAILED'} ${secs(r.ms).padStart(7)}  ${r.name}${r.note ? ` (${r.note})` : ''}`,
      );
    if (measured.length) {
      lines.push('', 'measured:');
      for (const m of measured) lines.push(`  ${m.name}: ${m.value}`);
    }
    const failed = this.results.filter((r) => !r.ok && !r.skipped).length;
    const skipped = this.results.filter((r) => r.skipped).length;
    lines.push('', `${this.results.length - failed - skipped} ok, ${failed} failed, ${skipped} skipped`);
    return lines.join('\n');
  }
}
