/**
 * Each Prometheus alert leads somewhere: a description and a runbook_url naming an existing
 * section of docs/runbook.md; and docs/runbook.md covers the troubleshooting topics.
 */
import { readFileSync } from 'node:fs';
import type { RuleFile } from './dashboard';
import { readYaml, repoPath } from './repo';
import { headingAnchor, runbookProblems } from './runbook';

const runbook = readFileSync(repoPath('docs/runbook.md'), 'utf8');
const alerts = readYaml<RuleFile>(repoPath('ops/prometheus/alerts.yml'));

describe('alerts and docs/runbook.md', () => {
  it('every alert has a description and a runbook_url to an existing section', () => {
    expect(alerts.groups.flatMap((g) => g.rules).filter((r) => r.alert).length).toBeGreaterThanOrEqual(6);
    expect(runbookProblems(alerts, runbook)).toEqual([]);
  });

  it('notices a missing section, a missing description and a stray link', () => {
    const renamed = runbook.replace('### ArcpSlowFanout', '### Slow fan-out');
    expect(runbookProblems(alerts, renamed)).toEqual(['ArcpSlowFanout: docs/runbook.md has no section #arcpslowfanout']);
    const broken = structuredClone(alerts) as { groups: Array<{ rules: Array<{ alert?: string; annotations?: Record<string, string> }> }> };
    const first = broken.groups[0]!.rules[0]!;
    delete first.annotations!.description;
    first.annotations!.runbook_url = 'https://example.com/elsewhere';
    expect(runbookProblems(broken, runbook)).toEqual([
      `${first.alert}: no description`,
      `${first.alert}: runbook_url https://example.com/elsewhere is not a section of docs/runbook.md`,
    ]);
  });

  it('anchors follow GitHub headings', () => {
    expect(headingAnchor('429 and lockouts')).toBe('429-and-lockouts');
    expect(headingAnchor('A socket closed with a code')).toBe('a-socket-closed-with-a-code');
  });

  it('has the troubleshooting sections', () => {
    for (const topic of ['a-socket-closed-with-a-code', '429-and-lockouts', 'a-port-is-already-taken', 'nats-outages']) {
      expect([...runbook.matchAll(/^### (.+)$/gm)].map((m) => headingAnchor(m[1]!))).toContain(topic);
    }
  });
});
