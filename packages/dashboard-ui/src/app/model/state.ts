/**
 * What the page knows, and how each validated frame changes it: a pure reducer (unit-tested in
 * Node) behind a tiny observable store the views subscribe to.
 */
import type { AgentsData, DashboardOutboundFrame, HealthData, LogEntry, MonitoringData } from '@arcp/protocol';
import { mergeAlerts, toAlertItems, type AlertItem } from './alerts';
import { mergeLogs } from './logs';
import { emptySeries, pushSample, type SeriesSet } from './series';

export interface DashboardState {
  readonly monitoring: MonitoringData | null;
  /** Server time of the last monitoring frame (ISO), and when it arrived here (epoch ms). */
  readonly monitoringAt: string | null;
  readonly monitoringReceivedAt: number | null;
  readonly health: HealthData | null;
  readonly agents: AgentsData | null;
  readonly agentsAt: string | null;
  readonly agentsReceivedAt: number | null;
  readonly logs: readonly LogEntry[];
  readonly alerts: readonly AlertItem[];
  readonly series: SeriesSet;
  /** When the last valid frame arrived (epoch ms, this clock). */
  readonly lastFrameAt: number | null;
  /** Arrival gaps between `agents` frames (sent every round, paused or not), newest last. */
  readonly gaps: readonly number[];
  readonly invalidFrames: number;
  readonly lastInvalid: string | null;
}

export const EMPTY_STATE: DashboardState = {
  monitoring: null,
  monitoringAt: null,
  monitoringReceivedAt: null,
  health: null,
  agents: null,
  agentsAt: null,
  agentsReceivedAt: null,
  logs: [],
  alerts: [],
  series: emptySeries(),
  lastFrameAt: null,
  gaps: [],
  invalidFrames: 0,
  lastInvalid: null,
};

const GAPS_KEPT = 5;

export function applyFrame(state: DashboardState, frame: DashboardOutboundFrame, nowMs: number): DashboardState {
  const base = { ...state, lastFrameAt: nowMs };
  switch (frame.type) {
    case 'monitoring': {
      const m = frame.data;
      const alive = state.health?.components.agents.active ?? state.agents?.active_count ?? null;
      const series = pushSample(state.series, Date.parse(frame.timestamp) / 1000, {
        agents_total: m.agent_count,
        agents_alive: alive,
        requests: m.total_requests,
        response_ms: m.avg_response_time * 1000,
        error_pct: m.error_rate * 100,
        cpu: m.resource_utilization.cpu,
        memory: m.resource_utilization.memory,
        network: m.resource_utilization.network,
      });
      return { ...base, monitoring: m, monitoringAt: frame.timestamp, monitoringReceivedAt: nowMs, series };
    }
    case 'health':
      return { ...base, health: frame.data };
    case 'agents': {
      const gap = state.agentsReceivedAt === null ? 0 : nowMs - state.agentsReceivedAt;
      const gaps = gap > 0 ? [...state.gaps, gap].slice(-GAPS_KEPT) : state.gaps;
      return { ...base, agents: frame.data, agentsAt: frame.timestamp, agentsReceivedAt: nowMs, gaps };
    }
    case 'logs':
      return { ...base, logs: mergeLogs(state.logs, frame.data.logs) };
    case 'alert':
      return { ...base, alerts: mergeAlerts(state.alerts, toAlertItems(frame.data, frame.timestamp)) };
    case 'clear_logs_ack':
      return frame.data.status === 'completed' ? { ...base, logs: [] } : base;
    case 'clear_alerts_ack':
      return frame.data.status === 'completed' ? { ...base, alerts: [] } : base;
    default:
      return base;
  }
}

/** The producer's period as seen here: the median of the recent gaps between `agents` frames. */
export function cadenceMs(state: DashboardState): number | null {
  if (state.gaps.length === 0) return null;
  const sorted = [...state.gaps].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export type Freshness = 'live' | 'stale' | 'waiting';

/** Stale once three periods (5 s each by default) pass without a frame. */
export function freshness(state: DashboardState, nowMs: number): Freshness {
  if (state.lastFrameAt === null) return 'waiting';
  const period = cadenceMs(state) ?? 5000;
  return nowMs - state.lastFrameAt > Math.max(3 * period, 3000) ? 'stale' : 'live';
}

export function recordInvalid(state: DashboardState, type: string, error: string): DashboardState {
  return { ...state, invalidFrames: state.invalidFrames + 1, lastInvalid: `${type}: ${error}` };
}
