/**
 * Dashboard commands answered over request/reply (queue group: one replica answers each). Every
 * reply is `{frames}` for the requesting socket; a malformed request gets `{frames: [], error}`
 * and a failing command its error ack, never a crash of the subscription.
 */
import {
  DashboardAlertDataSchema,
  DashboardLogRequestSchema,
  alertInputsOf,
  formatIssues,
  hydrateAlert,
  isoUtc,
  logEntry,
  type Subjects,
} from '@arcp/protocol';
import { type Bus, type BusMessage, type Logger, type Subscription } from '@arcp/service-kit';
import { type Alerting } from './alerts/alerting';
import { type ClusterView } from './frames/view';
import { type Producer } from './producer';
import { wholeLogEntry } from './logs/entries';
import { alertId, type AlertStore } from './stores/alert-store';
import { LOG_FRAME_BYTES, type LogStore } from './stores/log-store';
import { ack, decodeCommand, encodeReply, frame, type CommandRequest, type DashboardFrame } from './wire';

/** The command's `data` does not validate; the requester gets the issues, nothing is stored. */
export class InvalidCommandError extends Error {
  override readonly name = 'InvalidCommandError';
  constructor(
    readonly command: string,
    readonly issues: string,
  ) {
    super(`invalid ${command} data: ${issues}`);
  }
}

export interface CommandDeps {
  bus: Bus;
  subjects: Subjects;
  logs: LogStore;
  alerts: AlertStore;
  alerting: Alerting;
  producer: Producer;
  logger: Logger;
  /** The cluster as of now, after the directory's read-your-writes barrier. */
  view: () => Promise<ClusterView>;
  logWindow: number;
  /** Counts outcomes by command (bounded label values). */
  onCommand?: (command: string, outcome: 'ok' | 'error' | 'invalid') => void;
}

export class CommandHandler {
  constructor(private readonly deps: CommandDeps) {}

  listen(): Subscription {
    const { bus, subjects } = this.deps;
    return bus.subscribe(subjects.dashboardCommands, (msg) => void this.answer(msg), { queue: subjects.dashboardCommandsQueue });
  }

  private async answer(msg: BusMessage): Promise<void> {
    const decoded = decodeCommand(msg.data);
    if (!decoded.ok) {
      this.deps.onCommand?.('unknown', 'invalid');
      msg.respond(encodeReply([], `invalid dashboard command: ${decoded.error}`));
      return;
    }
    const { command } = decoded.value;
    try {
      msg.respond(encodeReply(await this.handle(decoded.value)));
      this.deps.onCommand?.(command, 'ok');
    } catch (err) {
      const invalid = err instanceof InvalidCommandError;
      if (!invalid) this.deps.logger.error({ err, command }, 'dashboard command failed');
      this.deps.onCommand?.(command, invalid ? 'invalid' : 'error');
      msg.respond(encodeReply([], invalid ? err.message : `${command} failed: ${(err as Error).message}`));
    }
  }

  /** The frames answering one request, in send order. */
  async handle(req: CommandRequest): Promise<DashboardFrame[]> {
    const view = await this.deps.view();
    const ts = isoUtc(view.nowMs);
    return this.dispatch(req, view, ts);
  }

  /**
   * One handler per command, keyed by its name: a command without a handler does not compile.
   * A handler that throws is answered `{frames: [], error}`, which the gateway turns into the
   * command's error ack or an error frame (never silence).
   */
  private readonly handlers: {
    [C in CommandRequest['command']]: (req: CommandRequest, view: ClusterView, ts: string) => Promise<DashboardFrame[]>;
  } = {
    snapshot: (_req, view, ts) => this.snapshot(view, ts),
    refresh_request: (_req, view, ts) => this.refresh(view, ts),
    clear_logs: async (_req, view, ts) => {
      await this.deps.logs.purge();
      await this.note('WARN', 'Dashboard logs cleared', view.nowMs);
      return [ack('clear_logs_ack', ts)];
    },
    clear_alerts: async (_req, view, ts) => {
      await this.deps.alerts.purge();
      await this.note('WARN', 'Dashboard alerts cleared', view.nowMs);
      return [ack('clear_alerts_ack', ts)];
    },
    dashboard_log: (req, view, ts) => this.dashboardLog(req.data, view.nowMs, ts),
    dashboard_alert: (req, view) => this.dashboardAlert(req.data, view.nowMs),
  };

  private dispatch(req: CommandRequest, view: ClusterView, ts: string): Promise<DashboardFrame[]> {
    return this.handlers[req.command](req, view, ts);
  }

  /**
   * A newly authenticated dashboard's first frames: current state, recent logs, persisted alerts.
   * The gateway adds its own `agents` frame after `health`.
   */
  private async snapshot(view: ClusterView, ts: string): Promise<DashboardFrame[]> {
    const frames = [...this.stateFrames(view, ts), ...(await this.recentLogs(ts))];
    const alerts = await this.deps.alerts.recent(this.deps.logWindow);
    if (alerts.length > 0) frames.push(frame('alert', { alerts }, ts));
    return frames;
  }

  /** Fresh state; alerts that fire right now are shown but neither persisted nor put in cooldown. */
  private async refresh(view: ClusterView, ts: string): Promise<DashboardFrame[]> {
    await this.note('INFO', 'Manual refresh requested', view.nowMs);
    const frames = [...this.stateFrames(view, ts), ...(await this.recentLogs(ts))];
    const alerts = this.deps.alerting.current(view);
    if (alerts.length > 0) frames.push(frame('alert', { alerts }, ts));
    return [...frames, ack('refresh_ack', ts)];
  }

  private stateFrames(view: ClusterView, ts: string): DashboardFrame[] {
    return [frame('monitoring', view.monitoring, ts), frame('health', view.health, ts)];
  }

  private async recentLogs(ts: string): Promise<DashboardFrame[]> {
    const logs = await this.deps.logs.recent(this.deps.logWindow, LOG_FRAME_BYTES);
    return logs.length > 0 ? [frame('logs', { logs, count: logs.length, last_updated: ts }, ts)] : [];
  }

  /** Stores the dashboard's own log line and shows it on every dashboard at once. */
  private async dashboardLog(data: unknown, nowMs: number, ts: string): Promise<DashboardFrame[]> {
    const parsed = DashboardLogRequestSchema.safeParse(data);
    if (!parsed.success) throw new InvalidCommandError('dashboard_log', formatIssues(parsed.error));
    const { level, message, timestamp } = parsed.data;
    const line = wholeLogEntry(level, message, 'dashboard', { frontend_timestamp: timestamp }, isoUtc(nowMs));
    const entry = await this.deps.logs.append(line, { broadcast: true });
    this.deps.producer.publish('logs', { logs: [entry], count: 1, last_updated: ts }, ts);
    return [];
  }

  private async dashboardAlert(data: unknown, nowMs: number): Promise<DashboardFrame[]> {
    const parsed = DashboardAlertDataSchema.safeParse(data);
    if (!parsed.success) throw new InvalidCommandError('dashboard_alert', formatIssues(parsed.error));
    for (const input of alertInputsOf(parsed.data)) {
      await this.deps.alerts.append(hydrateAlert(input, isoUtc(nowMs), alertId(nowMs)));
    }
    return [];
  }

  private async note(level: string, message: string, nowMs: number): Promise<void> {
    await this.deps.logs.append(logEntry(level, message, 'dashboard', {}, isoUtc(nowMs)));
  }
}
