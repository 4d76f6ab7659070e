/**
 * A small live time-series chart on uPlot (canvas, ~50 kB, built for streaming data): created
 * once, fed new columns with `setData` on every sample, resized with its container.
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import type { SeriesKey, SeriesSet } from '../model/series';

export interface ChartLine {
  key: SeriesKey;
  label: string;
  color: string;
}

const HEIGHT = 150;

function columns(series: SeriesSet, lines: readonly ChartLine[]): uPlot.AlignedData {
  return [series.t as number[], ...lines.map((l) => series.values[l.key] as (number | null)[])];
}

export function Chart(props: { title: string; series: SeriesSet; lines: readonly ChartLine[]; unit?: string; testId: string }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    const el = host.current!;
    const fmt = (v: number | null) => (v === null ? '–' : `${Number.isInteger(v) ? v : v.toFixed(2)}${props.unit ?? ''}`);
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: HEIGHT,
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true } },
      axes: [
        { stroke: '#8a94a6', grid: { stroke: 'rgba(138,148,166,0.15)' }, ticks: { show: false } },
        { stroke: '#8a94a6', grid: { stroke: 'rgba(138,148,166,0.15)' }, ticks: { show: false }, size: 50 },
      ],
      series: [
        {},
        ...props.lines.map((l) => ({
          label: l.label,
          stroke: l.color,
          width: 2,
          points: { show: false },
          value: (_u: uPlot, v: number | null) => fmt(v),
          spanGaps: true,
        })),
      ],
    };
    const u = new uPlot(opts, columns(props.series, props.lines), el);
    plot.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height: HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
    // Created once per chart; data changes go through setData below.
  }, []);

  useEffect(() => {
    plot.current?.setData(columns(props.series, props.lines));
  }, [props.series, props.lines]);

  return (
    <figure class="card chart" data-testid={props.testId}>
      <figcaption>{props.title}</figcaption>
      <div ref={host} class="chart-host" />
    </figure>
  );
}
