/**
 * What each dashboard command does on this connection. Pause/resume are per-connection state
 * handled here; everything that needs the shared dashboard state (refresh, agents, clearing,
 * client logs and alerts) is relayed to the metrics service and its reply frames are sent back.
 *
 * Every command is answered: with its documented acknowledgement (as in the original ARCP server), with that
 * ack carrying `status: "error"` when the metrics service could not do it, or, for the commands
 * the reference never acknowledges (dashboard_log, dashboard_alert), with an error frame when
 * they fail. The handler table is keyed by command type, so a command without a handler does
 * not compile.
 */
import { Topics, ackFrame, errorAckData, errorFrame, type DashboardCommand, type DashboardServiceCommand } from '@arcp/protocol';
import type { Connection } from '@arcp/ws-engine';

export interface CommandDeps {
  /** Request/reply to the metrics service: the frames to send, in order; rejects when it could not answer or reported an error. */
  relay(command: DashboardServiceCommand | 'snapshot', data?: unknown): Promise<unknown[]>;
  /** A dashboard log entry (published for the metrics service to store). */
  log(level: 'INFO' | 'WARN', message: string): void;
}

type AckType = 'refresh_ack' | 'agents_ack' | 'clear_logs_ack' | 'clear_alerts_ack';
type Handler<C extends DashboardCommand> = (conn: Connection, cmd: C, deps: CommandDeps) => void | Promise<void>;
type Handlers = { [T in DashboardCommand['type']]: Handler<Extract<DashboardCommand, { type: T }>> };

export function sendFrames(conn: Connection, frames: readonly unknown[]): void {
  for (const frame of frames) {
    const type = typeof frame === 'object' && frame !== null ? String((frame as { type?: unknown }).type ?? 'unknown') : 'unknown';
    conn.send(JSON.stringify(frame), false, type);
  }
}

const reason = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Relays a command with an ack; a failure is answered with that ack carrying the error (as in the original ARCP server). */
function relayWithAck(command: DashboardServiceCommand, ack: AckType, failurePrefix: string): Handler<DashboardCommand> {
  return async (conn, _cmd, deps) => {
    try {
      sendFrames(conn, await deps.relay(command));
    } catch (err) {
      conn.send(JSON.stringify(ackFrame(ack, errorAckData(`${failurePrefix}: ${reason(err)}`))), false, ack);
    }
  };
}

/** Relays a command the reference never acknowledges; only a failure is answered, with an error frame. */
function relayUnacknowledged(command: 'dashboard_log' | 'dashboard_alert'): Handler<Extract<DashboardCommand, { type: typeof command }>> {
  return async (conn, cmd, deps) => {
    try {
      sendFrames(conn, await deps.relay(command, cmd.data));
    } catch (err) {
      conn.send(JSON.stringify(errorFrame(`${command} failed: ${reason(err)}`)), false, 'error');
    }
  };
}

const HANDLERS: Handlers = {
  // Answered by the engine before it reaches the channel.
  ping: () => {},
  pause_monitoring(conn, _cmd, deps) {
    conn.state.paused = true;
    conn.unsubscribe(Topics.dashboardPausable);
    deps.log('WARN', 'Dashboard monitoring paused');
    conn.send(JSON.stringify(ackFrame('pause_ack')), false, 'pause_ack');
  },
  async resume_monitoring(conn, _cmd, deps) {
    conn.state.paused = false;
    conn.subscribe(Topics.dashboardPausable);
    deps.log('INFO', 'Dashboard monitoring resumed');
    // Fresh monitoring and health first, then the ack (reference order).
    try {
      const frames = await deps.relay('snapshot');
      sendFrames(conn, frames.filter((f) => ['monitoring', 'health'].includes((f as { type?: string }).type ?? '')));
    } catch (err) {
      conn.send(JSON.stringify(errorFrame(`Fresh monitoring data unavailable: ${reason(err)}`)), false, 'error');
    }
    conn.send(JSON.stringify(ackFrame('resume_ack')), false, 'resume_ack');
  },
  // The metrics service logs "Manual refresh requested" with the refresh itself.
  refresh_request: relayWithAck('refresh_request', 'refresh_ack', 'Refresh failed'),
  agents_request: relayWithAck('agents_request', 'agents_ack', 'Failed to send agents data'),
  clear_logs: relayWithAck('clear_logs', 'clear_logs_ack', 'Failed to clear logs'),
  clear_alerts: relayWithAck('clear_alerts', 'clear_alerts_ack', 'Failed to clear alerts'),
  dashboard_log: relayUnacknowledged('dashboard_log'),
  dashboard_alert: relayUnacknowledged('dashboard_alert'),
};

export async function runCommand(conn: Connection, cmd: DashboardCommand, deps: CommandDeps): Promise<void> {
  await (HANDLERS[cmd.type] as Handler<DashboardCommand>)(conn, cmd, deps);
}
