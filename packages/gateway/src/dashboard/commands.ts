/**
 * What each dashboard command does on this connection. Pause/resume are per-connection state
 * handled here; everything that needs the shared dashboard state (refresh, agents, clearing,
 * client logs and alerts) is relayed to the metrics service and its reply frames are sent back.
 */
import type { Connection } from '@arcp/ws-engine';
import { Topics, ackFrame, errorAckData, type DashboardCommand, type DashboardServiceCommand } from '@arcp/protocol';

export interface CommandDeps {
  /** Request/reply to the metrics service: the frames to send, in order. */
  relay(command: DashboardServiceCommand | 'snapshot', data?: unknown): Promise<unknown[]>;
  /** A dashboard log entry (published for the metrics service to store). */
  log(level: 'INFO' | 'WARN', message: string): void;
}

/** The ack a failed relay answers with, and its message prefix (reference §1.4). */
const FAILURE_ACK: Partial<Record<DashboardCommand['type'], { type: 'refresh_ack' | 'agents_ack' | 'clear_logs_ack' | 'clear_alerts_ack'; prefix: string }>> = {
  refresh_request: { type: 'refresh_ack', prefix: 'Refresh failed' },
  agents_request: { type: 'agents_ack', prefix: 'Failed to send agents data' },
  clear_logs: { type: 'clear_logs_ack', prefix: 'Failed to clear logs' },
  clear_alerts: { type: 'clear_alerts_ack', prefix: 'Failed to clear alerts' },
};

export function sendFrames(conn: Connection, frames: readonly unknown[]): void {
  for (const frame of frames) {
    const type = typeof frame === 'object' && frame !== null ? String((frame as { type?: unknown }).type ?? 'unknown') : 'unknown';
    conn.send(JSON.stringify(frame), false, type);
  }
}

export function isPaused(conn: Connection): boolean {
  return conn.state.paused === true;
}

async function relayInto(conn: Connection, deps: CommandDeps, cmd: DashboardCommand, command: DashboardServiceCommand, data?: unknown): Promise<void> {
  try {
    sendFrames(conn, await deps.relay(command, data));
  } catch (err) {
    const failure = FAILURE_ACK[cmd.type];
    if (failure) conn.send(JSON.stringify(ackFrame(failure.type, errorAckData(`${failure.prefix}: ${(err as Error).message}`))), false, failure.type);
  }
}

export async function runCommand(conn: Connection, cmd: DashboardCommand, deps: CommandDeps): Promise<void> {
  switch (cmd.type) {
    case 'ping':
      return; // answered by the engine
    case 'pause_monitoring':
      conn.state.paused = true;
      conn.unsubscribe(Topics.dashboardPausable);
      deps.log('WARN', 'Dashboard monitoring paused');
      conn.send(JSON.stringify(ackFrame('pause_ack')), false, 'pause_ack');
      return;
    case 'resume_monitoring': {
      conn.state.paused = false;
      conn.subscribe(Topics.dashboardPausable);
      deps.log('INFO', 'Dashboard monitoring resumed');
      // Fresh monitoring and health first, then the ack (reference order).
      const frames = await deps.relay('snapshot').catch(() => []);
      sendFrames(conn, frames.filter((f) => ['monitoring', 'health'].includes((f as { type?: string }).type ?? '')));
      conn.send(JSON.stringify(ackFrame('resume_ack')), false, 'resume_ack');
      return;
    }
    case 'refresh_request':
      deps.log('INFO', 'Manual refresh requested');
      return relayInto(conn, deps, cmd, 'refresh_request');
    case 'agents_request':
    case 'clear_logs':
    case 'clear_alerts':
      return relayInto(conn, deps, cmd, cmd.type);
    case 'dashboard_log':
    case 'dashboard_alert':
      return relayInto(conn, deps, cmd, cmd.type, cmd.data);
  }
}
