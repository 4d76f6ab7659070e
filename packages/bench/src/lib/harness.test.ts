/**
 * Unit tests of the harness's pure parts: the wsload READY line, Prometheus sums, the feeder's
 * agent document (must pass the product's StoredAgent validation, or the gateway skips it), the
 * profile summary and the report renderer.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeLiveness } from '@arcp/directory';
import { AgentMetricsSchema, StoredRegistrationSchema } from '@arcp/protocol';
import { isoMicros, livenessDocument, metricsDocument, registrationDocument } from '../feeder/agent-doc';
import { parsePerfReport } from './perf';
import { moduleOf, summarize } from './profile';
import { appendResults, BEGIN, END, renderBench, renderReport } from './results';
import { GATEWAY_CHANNELS, channelEnv } from '@arcp/gateway';
import { gatewayEnv, promSum } from './servers';
import type { Bench, ResultLine } from './types';
import { parseReady } from './wsload';

describe('bench harness helpers', () => {
  it('parses the READY line of wsload', () => {
    expect(parseReady('READY open=10 errors=1 ms=5.5 rate=1818 ttff_p50_us=900 ttff_p99_us=2000 ttff_max_us=2100')).toEqual({
      open: 10,
      errors: 1,
      ms: 5.5,
      rate: 1818,
      ttff_p50_us: 900,
      ttff_p99_us: 2000,
      ttff_max_us: 2100,
    });
    expect(parseReady('{"open":1}')).toBeUndefined();
  });

  it('sums Prometheus samples by name and labels', () => {
    const text = [
      '# HELP arcp_gateway_messages_sent_total x',
      'arcp_gateway_messages_sent_total{channel="public",type="welcome"} 20',
      'arcp_gateway_messages_sent_total{channel="public",type="agents_update"} 1000',
      'arcp_gateway_messages_sent_total_other 5',
      'arcp_gateway_connections{channel="public"} 20',
    ].join('\n');
    expect(promSum(text, 'arcp_gateway_messages_sent_total')).toBe(1020);
    expect(promSum(text, 'arcp_gateway_messages_sent_total', { type: 'agents_update' })).toBe(1000);
    expect(promSum(text, 'arcp_gateway_drops_total')).toBe(0);
  });

  it('writes the records the gateway accepts, with the marker as name', () => {
    const now = isoMicros(Date.now());
    const reg = StoredRegistrationSchema.safeParse(JSON.parse(registrationDocument('bench-0', now)('t1795527369102345')));
    expect(reg.success).toBe(true);
    expect(reg.data?.name).toBe('t1795527369102345');
    expect(decodeLiveness(Buffer.from(livenessDocument()(now)))).toMatchObject({ status: 'alive', last_seen: now });
    expect(AgentMetricsSchema.safeParse(JSON.parse(metricsDocument('bench-0', now))).success).toBe(true);
  });

  it('reads perf report lines', () => {
    const text = [
      '# Total Lost Samples: 0',
      '# Samples: 1K of event',
      '#',
      '    69.03%  node             ',
      '     7.76%  [kernel.kallsyms]  [k] do_syscall_64',
      '',
    ].join('\n');
    expect(parsePerfReport(text, 5)).toEqual([
      { name: 'node', pct: 69.03 },
      { name: '[kernel.kallsyms] [k] do_syscall_64', pct: 7.76 },
    ]);
  });

  it('summarises a CPU profile by function and module', () => {
    const dir = mkdtempSync(join(tmpdir(), 'arcp-bench-prof-'));
    try {
      const file = join(dir, 'p.cpuprofile');
      const frame = (id: number, functionName: string, url: string) => ({ id, callFrame: { functionName, url, lineNumber: 9 } });
      const nodes = [
        frame(1, '(idle)', ''),
        frame(2, 'apply', 'file:///r/packages/ws-engine/src/engine.ts'),
        frame(3, 'parse', 'file:///r/node_modules/.pnpm/zod@4/node_modules/zod/x.cjs'),
      ];
      writeFileSync(file, JSON.stringify({ nodes, samples: [1, 2, 2, 2, 3] }));
      const s = summarize(file);
      expect(s.busy_samples).toBe(4);
      expect(s.idle_pct).toBeCloseTo(20);
      expect(s.by_module).toEqual([
        { name: 'packages/ws-engine', pct: 75 },
        { name: 'zod', pct: 25 },
      ]);
      expect(s.top_functions[0]!.name).toContain('apply');
      expect(moduleOf('node:internal/timers', 'listOnTimeout')).toBe('node (internals)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('renders the latest full run between the markers and keeps the rest of the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'arcp-bench-report-'));
    try {
      const bench: Bench = {
        name: 'demo',
        title: 'Demo',
        budgetS: 1,
        ratioLabel: 'arcp/ws',
        columns: [{ title: 'rate', get: (c) => String(c.arcp.rate) }],
        run: async () => [],
      };
      const other: Bench = { ...bench, name: 'other', title: 'Other' };
      const line = (run: string, rate: number, quick = false): ResultLine => ({
        bench: 'demo',
        run_id: run,
        date: '2026-11-24T00:00:00.000Z',
        commit: 'abc',
        machine: { cpu_model: 'CPU', cores: 2, kernel: 'k', node: 'v20', mem_gib: 1, nofile_limit: '20000', load_avg_1m: 0 },
        quick,
        case: 'c1',
        params: {},
        arcp: { rate },
        ratio: 2,
        generator_bound: false,
        target: { goal: 'fast', met: false, reason: 'too slow' },
      });
      appendResults(dir, 'demo', [line('r1', 1), line('r2', 2), line('r3', 3, true)]);
      const md = join(dir, 'B.md');
      writeFileSync(md, `# Title\n\nintro\n\n${BEGIN}\nold\n${END}\n\nafter\n`);
      renderReport(md, dir, [bench, other]);
      const text = readFileSync(md, 'utf8');
      expect(text).toContain('intro');
      expect(text).toContain('after');
      expect(text).not.toContain('old');
      expect(text).toContain('| c1 | 2 | 2.00× | no | fast | **no**: too slow |');
      expect(text).toContain('### other: Other\n\n**Not yet measured.**');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('states the configuration of each line when any line names one', () => {
    const bench: Bench = {
      name: 'lat',
      title: 'Latency',
      budgetS: 1,
      ratioLabel: 'ws/arcp',
      columns: [{ title: 'p99', get: (c) => String(c.arcp.p99) }],
      run: async () => [],
    };
    const base = {
      bench: 'lat',
      run_id: 'r1',
      date: '2026-12-02T00:00:00.000Z',
      commit: 'abc',
      machine: { cpu_model: 'CPU', cores: 2, kernel: 'k', node: 'v20', mem_gib: 1, nofile_limit: '20000', load_avg_1m: 0 },
      quick: false,
      ratio: null,
      generator_bound: false,
      target: { goal: 'none', met: null },
    } as const;
    const rows = renderBench(bench, [
      { ...base, case: 'N=1', params: { configuration: 'window 50 ms' }, arcp: { p99: 9 } },
      { ...base, case: 'N=1 (window 0)', params: { configuration: 'window 0' }, arcp: { p99: 7 } },
      { ...base, case: 'churn', params: {}, arcp: { p99: 0 } },
    ]);
    expect(rows).toContain('| case | configuration | p99 | ws/arcp | generator-bound | target | met |');
    expect(rows).toContain('| N=1 | window 50 ms | 9 | – | no | none | n/a |');
    expect(rows).toContain('| N=1 (window 0) | window 0 | 7 | – | no | none | n/a |');
    expect(rows).toContain('| churn | shipped defaults | 0 | – | no | none | n/a |');
  });
});

test("gateways under benchmark admit the generators' sockets: every channel's budgets are lifted", () => {
  // wsload opens up to 19,900 sockets from one loopback address; a budget left at its default
  // (20 per address on /public/ws) would silently measure 20 sockets.
  for (const spec of Object.values(GATEWAY_CHANNELS)) {
    const parsed = channelEnv(spec).parse({ ...gatewayEnv(), JWT_SECRET: 'x'.repeat(32) }) as Record<string, number>;
    for (const k of ['MAX_CONNECTIONS', 'MAX_PENDING', 'MAX_PER_ADDRESS'])
      expect(parsed[`${spec.envPrefix}_WS_${k}`]).toBeGreaterThanOrEqual(40_000);
  }
});
