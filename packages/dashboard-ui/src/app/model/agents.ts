/**
 * The agents table's logic, kept out of the view so it is tested without a browser: search and
 * filters, sorting, and the window of rows a scroll position shows (the table renders only
 * those, so 5,000 agents cost what 40 do).
 */
import type { DashboardAgentWire } from '@arcp/protocol';

export type Agent = DashboardAgentWire;
export type StatusFilter = 'all' | 'alive' | 'dead';
export type SortKey = 'agent_id' | 'name' | 'agent_type' | 'status' | 'last_seen';

export interface AgentQuery {
  readonly text: string;
  readonly type: string;
  readonly status: StatusFilter;
  readonly sort: SortKey;
  readonly descending: boolean;
}

export const DEFAULT_QUERY: AgentQuery = { text: '', type: '', status: 'all', sort: 'agent_id', descending: false };

function matches(a: Agent, needle: string): boolean {
  return (
    a.agent_id.toLowerCase().includes(needle) ||
    a.name.toLowerCase().includes(needle) ||
    a.agent_type.toLowerCase().includes(needle) ||
    a.capabilities.some((c) => c.toLowerCase().includes(needle))
  );
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

export function selectAgents(agents: readonly Agent[], q: AgentQuery): Agent[] {
  const needle = q.text.trim().toLowerCase();
  const out = agents.filter(
    (a) =>
      (q.type === '' || a.agent_type === q.type) && (q.status === 'all' || a.status === q.status) && (needle === '' || matches(a, needle)),
  );
  const dir = q.descending ? -1 : 1;
  const key = q.sort;
  out.sort((a, b) => {
    const c = key === 'last_seen' ? Date.parse(a.last_seen) - Date.parse(b.last_seen) : collator.compare(a[key], b[key]);
    return c !== 0 ? c * dir : collator.compare(a.agent_id, b.agent_id);
  });
  return out;
}

export interface RowWindow {
  /** First row to render (inclusive) and the one after the last. */
  readonly start: number;
  readonly end: number;
  /** Space above and below the rendered rows, in pixels. */
  readonly padTop: number;
  readonly padBottom: number;
}

/** The rows visible at `scrollTop` in a viewport `height` px tall, plus `overscan` each side. */
export function rowWindow(total: number, scrollTop: number, height: number, rowHeight: number, overscan = 8): RowWindow {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const visible = Math.ceil(height / rowHeight) + 2 * overscan;
  const end = Math.min(total, first + visible);
  const start = Math.min(first, end);
  return { start, end, padTop: start * rowHeight, padBottom: (total - end) * rowHeight };
}

/** "12 s ago", "3 min ago", "2 h ago", "4 d ago". */
export function ago(iso: string, nowMs: number): string {
  const s = Math.max(0, Math.round((nowMs - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}
