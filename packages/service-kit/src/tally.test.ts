import { Registry } from 'prom-client';
import { TallyCounter, TallyGauge } from './tally';

describe('tallied metrics', () => {
  it('shows at each scrape exactly what was counted before it, by label set', async () => {
    const registry = new Registry();
    const sent = new TallyCounter({ name: 't_sent_total', help: 'h', labelNames: ['channel', 'type'], registry });
    const cell = sent.cell({ channel: 'public', type: 'welcome' });
    cell.add();
    cell.add(2);
    sent.cell({ channel: 'agents', type: 'welcome' }).add(5);
    expect(sent.cell({ channel: 'public', type: 'welcome' })).toBe(cell);
    const values = async () =>
      Object.fromEntries((await sent.metric.get()).values.map((v) => [`${String(v.labels.channel)}/${String(v.labels.type)}`, v.value]));
    expect(await values()).toEqual({ 'public/welcome': 3, 'agents/welcome': 5 });
    // Nothing new: the same totals, nothing counted twice.
    expect(await values()).toEqual({ 'public/welcome': 3, 'agents/welcome': 5 });
    cell.add(4);
    expect(await registry.getSingleMetricAsString('t_sent_total')).toContain('t_sent_total{channel="public",type="welcome"} 7');
  });

  it('refuses an unknown label name at the first use of the label set, as prom-client does', () => {
    const registry = new Registry();
    const sent = new TallyCounter({ name: 't_x_total', help: 'h', labelNames: ['channel'], registry });
    expect(() => sent.cell({ channel: 'a', other: 'b' } as never)).toThrow(/label/i);
  });

  it('sets gauges from their cells when collected', async () => {
    const registry = new Registry();
    const open = new TallyGauge({ name: 't_open', help: 'h', labelNames: ['channel'], registry });
    const cell = open.cell({ channel: 'public' });
    expect((await open.metric.get()).values.map((v) => v.value)).toEqual([0]);
    cell.inc();
    cell.inc(3);
    cell.dec();
    expect((await open.metric.get()).values.map((v) => v.value)).toEqual([3]);
    cell.set(0);
    expect((await open.metric.get()).values.map((v) => v.value)).toEqual([0]);
  });
});
