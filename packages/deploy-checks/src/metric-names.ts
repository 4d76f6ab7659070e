/**
 * Which Prometheus series our services export, and which ones a PromQL expression reads, so
 * dashboards and alert rules can only query series that exist. Exported = every `arcp_*` metric
 * name registered in non-test sources (with `_bucket`/`_sum`/`_count` for histograms) plus the
 * exact names of prom-client's default metrics (unprefixed `process_*`/`nodejs_*`).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { repoPath } from './repo';

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (path.endsWith('.ts') && !/\.(int\.)?test\.ts$/.test(path) && !path.includes('/test-support/')) out.push(path);
  }
  return out;
}

/**
 * `arcp_*` names passed as a metric name in sources: `name: 'arcp_…'`, a helper's
 * `counter(registry, 'arcp_…', …)`, or `const name = 'arcp_…'`.
 */
export function scanMetricNames(source: string): Array<{ name: string; histogram: boolean }> {
  const found: Array<{ name: string; histogram: boolean }> = [];
  const patterns = [/name:\s*'(arcp_[a-z0-9_]+)'/g, /\(\s*\w+\s*,\s*'(arcp_[a-z0-9_]+)'/g, /const name = '(arcp_[a-z0-9_]+)'/g];
  for (const re of patterns) {
    for (const m of source.matchAll(re)) {
      const before = source.slice(Math.max(0, m.index - 120), m.index);
      found.push({ name: m[1]!, histogram: /new Histogram\(\{\s*$/.test(before) });
    }
  }
  return found;
}

let cached: Set<string> | undefined;

export function exportedMetricNames(): Set<string> {
  if (cached) return cached;
  const names = new Set<string>();
  for (const top of ['packages', 'services']) {
    for (const file of sourceFiles(repoPath(top))) {
      for (const { name, histogram } of scanMetricNames(readFileSync(file, 'utf8'))) {
        names.add(name);
        if (histogram) for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
      }
    }
  }
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  for (const m of registry.getMetricsAsArray()) {
    names.add(m.name);
    const type = (m as unknown as { type?: string }).type;
    if (type === 'histogram' || type === 'summary') for (const s of ['_bucket', '_sum', '_count']) names.add(m.name + s);
  }
  cached = names;
  return names;
}

const FUNCTIONS_AND_KEYWORDS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'bool',
  'and',
  'or',
  'unless',
  'atan2',
]);

/** Series names an expression reads: identifiers that are not functions, keywords or labels. */
export function promqlMetricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\{?\w+\}?/g, ' ')
    .replace(/(?<![a-zA-Z0-9_:])\d[\w.]*/g, ' ');
  const names = new Set<string>();
  for (const m of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const word = m[0];
    const after = stripped.slice(m.index + word.length).trimStart();
    if (after.startsWith('(') || FUNCTIONS_AND_KEYWORDS.has(word) || word === 'Inf' || word === 'NaN') continue;
    names.add(word);
  }
  return [...names];
}

/** Names read by `expr` that no service exports (Prometheus' own `up` is allowed). */
export function unknownMetrics(expr: string, exported: ReadonlySet<string>): string[] {
  return promqlMetricNames(expr).filter((n) => n !== 'up' && !exported.has(n));
}
