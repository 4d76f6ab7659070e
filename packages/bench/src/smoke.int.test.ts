/**
 * Smoke test of the benchmark harness, so it cannot rot: builds wsload, runs `pnpm bench fanout
 * --quick` (20 subscribers, two short ladder steps, against the product's public gateway and the
 * ws baseline, over the suite's NATS) and checks that the result line has every field the report
 * needs. It asserts the shape only, never a performance figure.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithNats, natsUrl } from '@arcp/testkit';
import { ROOT } from './lib/node-proc';
import type { ResultLine } from './lib/types';
import { ensureWsload, WSLOAD_BIN } from './lib/wsload';

describeWithNats('bench harness (quick fanout)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'arcp-bench-smoke-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('builds wsload with gcc', () => {
    expect(ensureWsload()).toBe(WSLOAD_BIN);
    expect(existsSync(WSLOAD_BIN)).toBe(true);
  });

  it('runs fanout against both servers and appends a complete JSON line', () => {
    const r = spawnSync(
      process.execPath,
      [
        '--conditions=@arcp/source',
        '--import',
        'tsx',
        'packages/bench/src/cli.ts',
        'fanout',
        '--quick',
        '--results',
        dir,
        '--no-report',
        '--nats',
        natsUrl(),
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 150_000, env: { ...process.env, CI: undefined } },
    );
    if (r.status !== 0) throw new Error(`bench exited ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`);
    const lines = readFileSync(join(dir, 'fanout.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as ResultLine;
    expect(line).toMatchObject({ bench: 'fanout', quick: true, case: 'KV path N=20' });
    expect(line.machine).toEqual(
      expect.objectContaining({
        cpu_model: expect.any(String),
        cores: expect.any(Number),
        kernel: expect.any(String),
        node: process.version,
      }),
    );
    expect(typeof line.commit).toBe('string');
    expect(typeof line.generator_bound).toBe('boolean');
    expect(line.target).toEqual(expect.objectContaining({ goal: expect.any(String) }));
    for (const impl of [line.arcp, line.ws!]) {
      expect(impl).toEqual(
        expect.objectContaining({ max_sustained_per_s: expect.any(Number), connections: 20, errors: 0, ops_worst_ms: expect.any(Number) }),
      );
      // The ops endpoint was asked during the window and answered (a timeout would read 2000).
      expect(impl.ops_worst_ms as number).toBeGreaterThan(0);
      const steps = impl.steps as Array<Record<string, unknown>>;
      expect(steps.length).toBeGreaterThan(0);
      expect(steps[0]).toEqual(
        expect.objectContaining({
          delivered_per_s: expect.any(Number),
          e2e_p99_us: expect.any(Number),
          server_cpu: expect.any(Number),
          gen_cpu: expect.any(Number),
          sustained: expect.any(Boolean),
          ops: expect.objectContaining({
            readyz_max_ms: expect.any(Number),
            metrics_max_ms: expect.any(Number),
            samples: expect.any(Number),
          }),
        }),
      );
    }
  }, 180_000);
});
