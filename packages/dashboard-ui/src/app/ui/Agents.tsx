/**
 * Every agent, alive and dead: search, type and status filters, sortable columns, and a
 * virtualised body (only the rows in view are in the DOM, so thousands of agents scroll and
 * update smoothly). A row opens the agent's detail.
 */
import type { AgentsData } from '@arcp/protocol';
import { useMemo, useState } from 'preact/hooks';
import { ago, DEFAULT_QUERY, rowWindow, selectAgents, type Agent, type AgentQuery, type SortKey, type StatusFilter } from '../model/agents';
import { fmtDateTime, fmtInt } from './format';
import { useNow } from './hooks';
import { AgentDetail } from './AgentDetail';

export const ROW_HEIGHT = 36;
const VIEWPORT_ROWS = 16;

const COLUMNS: Array<{ key: SortKey | null; label: string }> = [
  { key: 'agent_id', label: 'Agent ID' },
  { key: 'name', label: 'Name' },
  { key: 'agent_type', label: 'Type' },
  { key: 'status', label: 'Status' },
  { key: 'last_seen', label: 'Last seen' },
  { key: null, label: 'Capabilities' },
];

function Row(props: { agent: Agent; index: number; now: number; onOpen: (id: string) => void }) {
  const a = props.agent;
  return (
    <div
      role="row"
      class={`row status-${a.status}`}
      aria-rowindex={props.index + 2}
      tabIndex={0}
      data-agent-id={a.agent_id}
      onClick={() => props.onOpen(a.agent_id)}
      onKeyDown={(e) => e.key === 'Enter' && props.onOpen(a.agent_id)}
    >
      <span role="cell" class="mono">
        {a.agent_id}
      </span>
      <span role="cell">{a.name}</span>
      <span role="cell">{a.agent_type}</span>
      <span role="cell">
        <span class={`badge st st-${a.status}`}>{a.status}</span>
      </span>
      <span role="cell" title={fmtDateTime(a.last_seen)}>
        {ago(a.last_seen, props.now)}
      </span>
      <span role="cell" class="caps">
        {a.capabilities.join(', ')}
      </span>
    </div>
  );
}

export function Agents(props: { data: AgentsData | null; openId: string | null; onOpen: (id: string | null) => void }) {
  const [query, setQuery] = useState<AgentQuery>(DEFAULT_QUERY);
  const [scrollTop, setScrollTop] = useState(0);
  const now = useNow(1000);
  const all = props.data?.agents ?? [];
  const rows = useMemo(() => selectAgents(all, query), [all, query]);
  const types = useMemo(() => Object.keys(props.data?.agent_types ?? {}).sort(), [props.data?.agent_types]);
  const win = rowWindow(rows.length, scrollTop, VIEWPORT_ROWS * ROW_HEIGHT, ROW_HEIGHT);
  const open = props.openId === null ? null : (all.find((a) => a.agent_id === props.openId) ?? null);
  const set = (patch: Partial<AgentQuery>) => setQuery({ ...query, ...patch });
  const sortBy = (key: SortKey) => set({ sort: key, descending: query.sort === key ? !query.descending : false });

  return (
    <div class="agents-view">
      <div class="toolbar" role="search">
        <input
          type="search"
          aria-label="Search agents"
          placeholder="Search id, name, type or capability"
          value={query.text}
          onInput={(e) => set({ text: e.currentTarget.value })}
        />
        <label>
          Type
          <select value={query.type} onChange={(e) => set({ type: e.currentTarget.value })}>
            <option value="">all</option>
            {types.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select value={query.status} onChange={(e) => set({ status: e.currentTarget.value as StatusFilter })}>
            <option value="all">all</option>
            <option value="alive">alive</option>
            <option value="dead">dead</option>
          </select>
        </label>
        <span class="muted" data-testid="agents-count">
          {fmtInt(rows.length)} of {fmtInt(all.length)} agents
        </span>
      </div>
      <div class="card table" role="table" aria-label="Agents" aria-rowcount={rows.length + 1}>
        <div role="row" class="row head" aria-rowindex={1}>
          {COLUMNS.map((c) =>
            c.key === null ? (
              <span role="columnheader" key={c.label}>
                {c.label}
              </span>
            ) : (
              <span
                role="columnheader"
                key={c.label}
                aria-sort={query.sort === c.key ? (query.descending ? 'descending' : 'ascending') : 'none'}
              >
                <button type="button" class="sort" onClick={() => sortBy(c.key!)}>
                  {c.label}
                  {query.sort === c.key ? (query.descending ? ' ▾' : ' ▴') : ''}
                </button>
              </span>
            ),
          )}
        </div>
        <div
          class="body"
          data-testid="agents-body"
          style={{ height: `${VIEWPORT_ROWS * ROW_HEIGHT}px` }}
          onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        >
          <div style={{ height: `${win.padTop}px` }} />
          {rows.slice(win.start, win.end).map((a, i) => (
            <Row key={a.agent_id} agent={a} index={win.start + i} now={now} onOpen={props.onOpen} />
          ))}
          <div style={{ height: `${win.padBottom}px` }} />
          {rows.length === 0 && <p class="muted empty">{all.length === 0 ? 'No agents registered.' : 'No agent matches.'}</p>}
        </div>
      </div>
      {props.openId !== null && <AgentDetail agentId={props.openId} agent={open} now={now} onClose={() => props.onOpen(null)} />}
    </div>
  );
}
