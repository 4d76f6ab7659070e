/**
 * One readable line (or a few) per frame for `arcp tail`: what changed, not the whole JSON
 * (`--json` prints that). Colour comes from the painter, which is plain when not on a terminal.
 */
import type { AgentsFrame, DashboardFrame, PublicFrame, StateChange } from '@arcp/client';
import type { Paint } from './io';

type AnyFrame = PublicFrame | AgentsFrame | DashboardFrame;

const ids = (agents: ReadonlyArray<{ agent_id: string; status?: string }>, withStatus = false, max = 6): string => {
  const shown = agents.slice(0, max).map((a) => (withStatus ? `${a.agent_id} ${a.status}` : a.agent_id));
  return shown.join(', ') + (agents.length > max ? `, +${agents.length - max} more` : '');
};
const pct = (n: number) => `${(n * 100).toFixed(1)}%`;

function body(f: AnyFrame, p: Paint): string[] {
  switch (f.type) {
    case 'welcome':
      return [f.message];
    case 'stats_update':
      return [
        `total=${f.data.total_agents} alive=${f.data.alive_agents} dead=${f.data.dead_agents} types=${f.data.available_types.join(',') || '-'}`,
      ];
    case 'agents_update':
      return [`${f.data.total_count} alive: ${ids(f.data.agents)}`];
    case 'discovery_data': {
      const pg = f.data.pagination;
      return [`page ${pg.current_page}/${pg.total_pages} (${pg.total_agents} agents): ${ids(f.data.agents)}`];
    }
    case 'agent_list': {
      const alive = f.agents.filter((a) => a.status === 'alive').length;
      return [`${f.agents.length} agents (${alive} alive): ${ids(f.agents, true)}`];
    }
    case 'auth_required':
    case 'auth_success':
      return [f.message];
    case 'auth_error':
      return [p.red(f.message)];
    case 'error':
      return [p.red(f.message)];
    case 'pong':
      return [`timestamp=${f.timestamp}`];
    case 'monitoring':
      return [
        `requests=${f.data.total_requests} avg=${f.data.avg_response_time.toFixed(3)}s errors=${pct(f.data.error_rate)} agents=${f.data.agent_count} cpu=${f.data.resource_utilization.cpu}% mem=${f.data.resource_utilization.memory}%`,
      ];
    case 'health': {
      const colour = f.data.status === 'healthy' ? p.green : f.data.status === 'degraded' ? p.yellow : p.red;
      return [`${colour(f.data.status)} ${f.data.reason}`];
    }
    case 'agents':
      return [
        `total=${f.data.total_count} active=${f.data.active_count} ${ids(f.data.agents as Array<{ agent_id: string; status: string }>, true)}`,
      ];
    case 'logs':
      return [
        `${f.data.logs.length} entries`,
        ...f.data.logs.map((l) => `  ${p.dim(String(l.timestamp))} [${l.level}] ${l.source ?? ''}: ${l.message}`),
      ];
    case 'alert':
      return f.data.alerts.map((a) => `[${a.severity}] ${'title' in a && a.title ? `${a.title}: ` : ''}${a.message}`);
    default:
      return [JSON.stringify((f as { data?: unknown }).data ?? f)];
  }
}

const TYPE_COLOUR: Record<string, keyof Omit<Paint, 'enabled'>> = {
  welcome: 'green',
  auth_success: 'green',
  stats_update: 'cyan',
  monitoring: 'cyan',
  agents_update: 'magenta',
  agent_list: 'magenta',
  agents: 'magenta',
  logs: 'blue',
  alert: 'yellow',
  error: 'red',
  auth_error: 'red',
};

export function formatFrame(f: AnyFrame, p: Paint, at: Date = new Date()): string {
  const [first, ...rest] = body(f, p);
  const colour = p[TYPE_COLOUR[f.type] ?? 'bold'];
  return [`${p.dim(at.toISOString().slice(11, 19))} ${colour(f.type.padEnd(14))} ${first ?? ''}`, ...rest].join('\n') + '\n';
}

export function formatState(s: StateChange, p: Paint): string {
  const why = s.code ? ` (${s.code}${s.reason ? ` ${s.reason}` : ''})` : '';
  switch (s.state) {
    case 'connecting':
      return p.dim(`connecting to ${s.url}`);
    case 'open':
      return p.green(s.resumed ? `open again ${s.url} (re-authenticated)` : `open ${s.url}`);
    case 'reconnecting':
      return p.yellow(`reconnecting in ${((s.delayMs ?? 0) / 1000).toFixed(1)} s, attempt ${s.attempt}${why}`);
    case 'closed':
      return s.error ? p.red(`closed: ${s.error.message}`) : p.dim(`closed${why}`);
    default:
      return s.state;
  }
}
