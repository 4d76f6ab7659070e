/**
 * Alerts and their runbook: every alert rule carries a `description` and a `runbook_url` that
 * points at a section of docs/runbook.md which exists (GitHub's heading anchors).
 */
import type { RuleFile } from './dashboard';

/** GitHub's anchor of a Markdown heading: lower case, punctuation dropped, spaces to dashes. */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

export function markdownAnchors(markdown: string): Set<string> {
  return new Set([...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((m) => headingAnchor(m[1]!)));
}

export interface AlertRule {
  alert?: string;
  annotations?: Record<string, string>;
}

/** What is wrong with the alerts' documentation, one line each; empty when all is well. */
export function runbookProblems(
  rules: { groups: Array<{ rules: AlertRule[] }> } | RuleFile,
  runbook: string,
  runbookPath = 'docs/runbook.md',
): string[] {
  const anchors = markdownAnchors(runbook);
  const problems: string[] = [];
  for (const rule of rules.groups.flatMap((g) => g.rules as AlertRule[])) {
    if (!rule.alert) continue;
    const notes = rule.annotations ?? {};
    if (!notes.description?.trim()) problems.push(`${rule.alert}: no description`);
    const url = notes.runbook_url ?? '';
    const [path, anchor] = url.split('#');
    if (!url) problems.push(`${rule.alert}: no runbook_url`);
    else if (!path?.endsWith(runbookPath) || !anchor) problems.push(`${rule.alert}: runbook_url ${url} is not a section of ${runbookPath}`);
    else if (!anchors.has(anchor)) problems.push(`${rule.alert}: ${runbookPath} has no section #${anchor}`);
  }
  return problems;
}
