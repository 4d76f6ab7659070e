/**
 * What each dashboard command does on this connection. Pause/resume are per-connection state
 * handled here, and so is agents_request (the gateway keeps its own copy of the directory);
 * everything that needs the shared dashboard state (refresh, clearing, client logs and alerts)
 * is relayed to the metrics service and its reply frames are sent back, with this gateway's
 * `agents` frame after `health` where the reference sends it.
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
  /**
   * The encoded `agents` frame of every agent, after the directory's read-your-writes barrier:
   * it reflects every registration acknowledged before the call.
   */
  agentsFrame(): Promise<Uint8Array>;
  /** A dashboard log entry (published for the metrics service to store). */
  log(level: 'INFO' | 'WARN', message: string): void;
}

type AckType = 'refresh_ack' | 'agents_ack' | 'clear_logs_ack' | 'clear_alerts_ack';
type Handler<C extends DashboardCommand> = (conn: Connection, cmd: C, deps: CommandDeps) => void | Promise<void>;
type Handlers = { [T in DashboardCommand['type']]: Handler<Extract<DashboardCommand, { type: T }>> };

const typeOf = (frame: unknown): string =>
  typeof frame === 'object' && frame !== null ? String((frame as { type?: unknown }).type ?? 'unknown') : 'unknown';

export function sendFrames(conn: Connection, frames: readonly unknown[]): void {
  for (const frame of frames) conn.send(JSON.stringify(frame), false, typeOf(frame));
}

/** Sends `frames` with the encoded `agents` frame after `health` (first when there is none), the reference's burst order. */
export function sendWithAgents(conn: Connection, frames: readonly unknown[], agents: Uint8Array | undefined): void {
  const at = frames.findIndex((f) => typeOf(f) === 'health') + 1;
  sendFrames(conn, frames.slice(0, at));
  if (agents) conn.send(Buffer.from(agents.buffer, agents.byteOffset, agents.byteLength), false, 'agents');
  sendFrames(conn, frames.slice(at));
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
      sendFrames(
        conn,
        frames.filter((f) => ['monitoring', 'health'].includes((f as { type?: string }).type ?? '')),
      );
    } catch (err) {
      conn.send(JSON.stringify(errorFrame(`Fresh monitoring data unavailable: ${reason(err)}`)), false, 'error');
    }
    conn.send(JSON.stringify(ackFrame('resume_ack')), false, 'resume_ack');
  },
  // The metrics service logs "Manual refresh requested" with the refresh itself.
  async refresh_request(conn, _cmd, deps) {
    try {
      const [frames, agents] = await Promise.all([deps.relay('refresh_request'), deps.agentsFrame()]);
      sendWithAgents(conn, frames, agents);
    } catch (err) {
      conn.send(JSON.stringify(ackFrame('refresh_ack', errorAckData(`Refresh failed: ${reason(err)}`))), false, 'refresh_ack');
    }
  },
  async agents_request(conn, _cmd, deps) {
    try {
      const agents = await deps.agentsFrame();
      conn.send(Buffer.from(agents.buffer, agents.byteOffset, agents.byteLength), false, 'agents');
      conn.send(JSON.stringify(ackFrame('agents_ack')), false, 'agents_ack');
    } catch (err) {
      conn.send(JSON.stringify(ackFrame('agents_ack', errorAckData(`Failed to send agents data: ${reason(err)}`))), false, 'agents_ack');
    }
  },
  clear_logs: relayWithAck('clear_logs', 'clear_logs_ack', 'Failed to clear logs'),
  clear_alerts: relayWithAck('clear_alerts', 'clear_alerts_ack', 'Failed to clear alerts'),
  dashboard_log: relayUnacknowledged('dashboard_log'),
  dashboard_alert: relayUnacknowledged('dashboard_alert'),
};

export async function runCommand(conn: Connection, cmd: DashboardCommand, deps: CommandDeps): Promise<void> {
  await (HANDLERS[cmd.type] as Handler<DashboardCommand>)(conn, cmd, deps);
}
