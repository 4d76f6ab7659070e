/**
 * docs/deployment.md stays true to the code: its metrics table lists exactly the `arcp_*`
 * metrics the services register (no missing row, no stale one), and the commands it gives exist.
 */
import { readFileSync } from 'node:fs';
import { exportedMetricNames } from './metric-names';
import { repoPath } from './repo';

const docs = readFileSync(repoPath('docs/deployment.md'), 'utf8');

export function documentedMetrics(markdown: string): string[] {
  return [...markdown.matchAll(/^\| `(arcp_[a-z0-9_]+)` \| (counter|gauge|histogram) \|/gm)].map((m) => m[1]!).sort();
}

function registeredMetrics(): string[] {
  const all = exportedMetricNames();
  return [...all]
    .filter((n) => n.startsWith('arcp_') && !['_bucket', '_sum', '_count'].some((s) => n.endsWith(s) && all.has(n.slice(0, -s.length))))
    .sort();
}

describe('docs/deployment.md', () => {
  it('documents exactly the metrics the code registers', () => {
    expect(documentedMetrics(docs)).toEqual(registeredMetrics());
  });

  it('would notice a metric missing from the table', () => {
    const without = docs.replace(/^\| `arcp_gateway_drops_total`.*\n/m, '');
    expect(documentedMetrics(without)).not.toEqual(registeredMetrics());
  });

  it('documents the deployment test the root scripts run', () => {
    const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['test:deploy']).toContain('packages/e2e/src/deploy/cli.ts');
    expect(docs).toContain('## Testing the deployment (`pnpm test:deploy`)');
    expect(readFileSync(repoPath('README.md'), 'utf8')).toContain('pnpm test:deploy');
    expect(readFileSync(repoPath('.ci/run'), 'utf8')).toMatch(/^pnpm test:deploy$/m);
  });

  it('names the root script that starts cluster mode', () => {
    const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(docs).toContain('pnpm start:cluster');
    expect(pkg.scripts['start:cluster']).toContain('packages/cluster/src/main.ts');
  });
});
