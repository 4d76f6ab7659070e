/**
 * The compose Prometheus: `promtool check config` (dns_sd jobs, rule files), `check rules` and
 * `test rules` (alerts.test.yml), each also run on a broken copy of ops/prometheus to show it
 * fails; plus the alert rules read only series our services export. promtool comes from
 * Debian's `prometheus` package (.ci/extra-packages), so CI=true fails without it.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RuleFile, ruleMetricProblems } from './dashboard';
import { clone } from './k8s-types';
import { exportedMetricNames } from './metric-names';
import { describeWithTool, readYaml, repoPath, run } from './repo';

const DIR = repoPath('ops/prometheus');
const PROMTOOL = { requiredInCi: true, install: 'apt-get install --no-install-recommends prometheus' };

/** A copy of ops/prometheus with `file` rewritten by `edit`; removed after `fn`. */
function withBrokenCopy<T>(file: string, edit: (text: string) => string, fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'arcp-prom-'));
  try {
    cpSync(DIR, dir, { recursive: true });
    const before = readFileSync(join(dir, file), 'utf8');
    const after = edit(before);
    if (after === before) throw new Error(`the edit did not change ${file}`);
    writeFileSync(join(dir, file), after);
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describeWithTool('promtool', PROMTOOL, 'promtool', (promtool) => {
  const check = (dir: string, ...args: string[]) => run(promtool, args, { cwd: dir });

  it('accepts prometheus.yml (and the rule file it loads)', () => {
    const r = check(DIR, 'check', 'config', 'prometheus.yml');
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  it('rejects a broken scrape config', () => {
    const r = withBrokenCopy(
      'prometheus.yml',
      (t) => t.replace('type: A', 'type: CNAME'),
      (dir) => check(dir, 'check', 'config', 'prometheus.yml'),
    );
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/invalid DNS-SD records type/i);
  });

  it('accepts alerts.yml and rejects a rule with broken PromQL', () => {
    expect(check(DIR, 'check', 'rules', 'alerts.yml').status).toBe(0);
    const r = withBrokenCopy(
      'alerts.yml',
      (t) => t.replace('arcp_bus_connected == 0', 'arcp_bus_connected == == 0'),
      (dir) => check(dir, 'check', 'rules', 'alerts.yml'),
    );
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/parse error/);
  });

  it('passes the alert unit tests, which fail when a rule changes', () => {
    const ok = check(DIR, 'test', 'rules', 'alerts.test.yml');
    expect(ok.output).toContain('SUCCESS');
    expect(ok.status).toBe(0);
    const r = withBrokenCopy(
      'alerts.yml',
      (t) => t.replace(/(alert: ArcpTargetDown[\s\S]*?for: )2m/, '$110m'),
      (dir) => check(dir, 'test', 'rules', 'alerts.test.yml'),
    );
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/FAILED/);
  });
});

describe('alert rules', () => {
  const rules = readYaml<RuleFile>(join(DIR, 'alerts.yml'));

  it('read only series our services export', () => {
    expect(rules.groups[0]!.rules.length).toBeGreaterThan(3);
    expect(ruleMetricProblems(rules, exportedMetricNames())).toEqual([]);
  });

  it('catch a rule on a series nobody exports', () => {
    const broken = clone(rules);
    broken.groups[0]!.rules[1]!.expr = 'arcp_nats_connected == 0';
    expect(ruleMetricProblems(broken, exportedMetricNames()).join('\n')).toMatch(
      /ArcpBusDisconnected: arcp_nats_connected is not exported/,
    );
  });
});
