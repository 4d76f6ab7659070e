/** The overview: monitoring and health as figures and live charts, and the active alerts. */
import type { HealthData } from '@arcp/protocol';
import { severityCounts, type AlertItem } from '../model/alerts';
import type { LiveView } from '../model/live';
import { Chart, type ChartLine } from './Chart';
import { fmtFixed, fmtInt, fmtTime } from './format';

const AGENT_LINES: ChartLine[] = [
  { key: 'agents_total', label: 'total', color: '#5b8def' },
  { key: 'agents_alive', label: 'alive', color: '#2bb673' },
];
const REQUEST_LINES: ChartLine[] = [{ key: 'requests', label: 'requests', color: '#5b8def' }];
const LATENCY_LINES: ChartLine[] = [{ key: 'response_ms', label: 'avg response', color: '#e8a33d' }];
const ERROR_LINES: ChartLine[] = [{ key: 'error_pct', label: 'error rate', color: '#e05260' }];
const RESOURCE_LINES: ChartLine[] = [
  { key: 'cpu', label: 'cpu', color: '#5b8def' },
  { key: 'memory', label: 'memory', color: '#a46ee0' },
  { key: 'network', label: 'network', color: '#2bb673' },
];

function Stat(props: { label: string; value: string; hint?: string; tone?: string; testId: string }) {
  return (
    <div class={`card stat ${props.tone ? `tone-${props.tone}` : ''}`} data-testid={props.testId}>
      <div class="stat-label">{props.label}</div>
      <div class="stat-value">{props.value}</div>
      {props.hint && <div class="stat-hint">{props.hint}</div>}
    </div>
  );
}

function healthTone(h: HealthData | null): string | undefined {
  if (!h) return undefined;
  return h.status === 'healthy' ? 'ok' : h.status === 'degraded' ? 'warn' : 'bad';
}

function Alerts(props: { alerts: readonly AlertItem[]; onClear: () => void }) {
  const counts = severityCounts(props.alerts);
  return (
    <section class="card alerts" aria-labelledby="alerts-title" data-testid="alerts">
      <header class="section-head">
        <h2 id="alerts-title">Alerts</h2>
        <span class="muted">{counts.length === 0 ? 'none' : counts.map(([s, n]) => `${n} ${s}`).join(' · ')}</span>
        <button type="button" class="secondary" onClick={props.onClear} disabled={props.alerts.length === 0}>
          Clear alerts
        </button>
      </header>
      {props.alerts.length === 0 ? (
        <p class="muted">No active alerts.</p>
      ) : (
        <ul class="alert-list">
          {props.alerts.slice(0, 50).map((a) => (
            <li key={a.key} class={`alert sev-${a.severity}`}>
              <span class={`badge sev sev-${a.severity}`}>{a.severity}</span>
              <strong>{a.title}</strong>
              <span class="alert-message">{a.message}</span>
              <time class="muted" dateTime={a.at}>
                {fmtTime(a.at)}
              </time>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function Overview(props: { view: LiveView; onClearAlerts: () => void }) {
  const { monitoring: m, health: h, agents, series, monitoringAt } = props.view.data;
  const agentsHealth = h?.components.agents;
  const gateways = h?.components.gateways;
  const storage = h?.components.storage;
  return (
    <div class="overview">
      <p class="muted updated" data-testid="monitoring-updated">
        {props.view.paused ? 'Paused: monitoring, health and alerts are not updating. ' : ''}
        {monitoringAt ? `Monitoring updated ${fmtTime(monitoringAt)}` : 'Waiting for the first monitoring frame…'}
      </p>
      <div class="stats">
        <Stat testId="stat-health" label="Health" value={h?.status ?? '–'} hint={h?.reason} tone={healthTone(h)} />
        <Stat
          testId="stat-agents"
          label="Agents alive / total"
          value={agents ? `${fmtInt(agents.active_count)} / ${fmtInt(agents.total_count)}` : '–'}
          hint={
            agentsHealth
              ? `${agentsHealth.status.replace('_', ' ')} · connectivity ${fmtFixed(agentsHealth.connectivity_ratio * 100, 0)} %`
              : undefined
          }
        />
        <Stat testId="stat-requests" label="Requests (agents' total)" value={m ? fmtInt(m.total_requests) : '–'} />
        <Stat testId="stat-response" label="Avg response time" value={m ? `${fmtFixed(m.avg_response_time * 1000, 0)} ms` : '–'} />
        <Stat testId="stat-errors" label="Error rate" value={m ? `${fmtFixed(m.error_rate * 100, 1)} %` : '–'} />
        <Stat
          testId="stat-resources"
          label="CPU · memory · network (%)"
          value={
            m
              ? `${fmtFixed(m.resource_utilization.cpu, 1)} · ${fmtFixed(m.resource_utilization.memory, 1)} · ${fmtFixed(m.resource_utilization.network, 1)}`
              : '–'
          }
        />
        <Stat
          testId="stat-storage"
          label="Storage"
          value={storage ? String(storage.engine ?? storage.status) : '–'}
          hint={storage?.status}
          tone={storage ? (storage.status === 'healthy' ? 'ok' : 'warn') : undefined}
        />
        <Stat
          testId="stat-gateways"
          label="Sockets public · agents · dash"
          value={gateways ? `${gateways.public.connections} · ${gateways.agents.connections} · ${gateways.dashboard.connections}` : '–'}
          hint={
            gateways ? `replicas ${gateways.public.replicas} · ${gateways.agents.replicas} · ${gateways.dashboard.replicas}` : undefined
          }
        />
      </div>
      <div class="charts">
        <Chart testId="chart-agents" title="Agents" series={series} lines={AGENT_LINES} />
        <Chart testId="chart-requests" title="Requests" series={series} lines={REQUEST_LINES} />
        <Chart testId="chart-latency" title="Avg response time" series={series} lines={LATENCY_LINES} unit=" ms" />
        <Chart testId="chart-errors" title="Error rate" series={series} lines={ERROR_LINES} unit=" %" />
        <Chart testId="chart-resources" title="Resource utilisation" series={series} lines={RESOURCE_LINES} unit=" %" />
      </div>
      <Alerts alerts={props.view.data.alerts} onClear={props.onClearAlerts} />
    </div>
  );
}
