/**
 * Counters and gauges for per-socket and per-frame paths. prom-client hashes and validates the
 * labels object on every `inc` and keeps series in a dictionary object; on a path that runs for
 * every frame that was several percent of a gateway's CPU in a reconnect storm. Here the caller
 * holds a cell for one label set (found once, by label values) and an increment is an addition on
 * it; the sums reach the prom-client metric when the registry collects it, at every scrape, so a
 * scrape shows exactly what was counted before it.
 */
import { Counter, Gauge, type LabelValues, type Registry } from 'prom-client';

export interface TallyOptions<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
  registry: Registry;
}

/** One label set of a tallied counter: `add` is all an increment costs. */
export class TallyCell<L extends string = string> {
  pending = 0;
  constructor(readonly labels: LabelValues<L>) {}
  add(n = 1): void {
    this.pending += n;
  }
}

/** One label set of a tallied gauge. */
export class LevelCell<L extends string = string> {
  value = 0;
  constructor(readonly labels: LabelValues<L>) {}
  inc(n = 1): void {
    this.value += n;
  }
  dec(n = 1): void {
    this.value -= n;
  }
  set(value: number): void {
    this.value = value;
  }
}

/** Cells by label values in `labelNames` order; each label set validated by prom-client once. */
class Cells<L extends string, C> {
  private readonly byKey = new Map<string, C>();
  constructor(
    private readonly labelNames: readonly L[],
    private readonly make: (labels: LabelValues<L>) => C,
  ) {}

  get(labels: LabelValues<L>): C {
    let key = '';
    for (const name of this.labelNames) key += `${String(labels[name])}\u0000`;
    let cell = this.byKey.get(key);
    if (cell === undefined) {
      cell = this.make({ ...labels });
      this.byKey.set(key, cell);
    }
    return cell;
  }

  values(): IterableIterator<C> {
    return this.byKey.values();
  }
}

/** A counter whose increments are summed in cells and handed over when it is collected. */
export class TallyCounter<L extends string> {
  readonly metric: Counter<L>;
  private readonly cells: Cells<L, TallyCell<L>>;

  constructor(opts: TallyOptions<L>) {
    const cells = new Cells<L, TallyCell<L>>(opts.labelNames, (labels) => {
      // An unknown label name throws here, at the first use of the label set, as prom-client would.
      metric.inc(labels, 0);
      return new TallyCell(labels);
    });
    const metric: Counter<L> = new Counter({
      name: opts.name,
      help: opts.help,
      labelNames: opts.labelNames,
      registers: [opts.registry],
      collect() {
        for (const cell of cells.values()) {
          if (cell.pending === 0) continue;
          this.inc(cell.labels, cell.pending);
          cell.pending = 0;
        }
      },
    });
    this.metric = metric;
    this.cells = cells;
  }

  /** The cell of one label set: hold it where the same labels are counted again and again. */
  cell(labels: LabelValues<L>): TallyCell<L> {
    return this.cells.get(labels);
  }
}

/** A gauge kept in cells and set from them when it is collected. */
export class TallyGauge<L extends string> {
  readonly metric: Gauge<L>;
  private readonly cells: Cells<L, LevelCell<L>>;

  constructor(opts: TallyOptions<L>) {
    const cells = new Cells<L, LevelCell<L>>(opts.labelNames, (labels) => {
      metric.set(labels, 0);
      return new LevelCell(labels);
    });
    const metric: Gauge<L> = new Gauge({
      name: opts.name,
      help: opts.help,
      labelNames: opts.labelNames,
      registers: [opts.registry],
      collect() {
        for (const cell of cells.values()) this.set(cell.labels, cell.value);
      },
    });
    this.metric = metric;
    this.cells = cells;
  }

  cell(labels: LabelValues<L>): LevelCell<L> {
    return this.cells.get(labels);
  }
}
