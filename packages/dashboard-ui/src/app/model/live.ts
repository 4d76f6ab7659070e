/**
 * The page's connection to `/dashboard/ws`, on the SDK's `DashboardChannel`: reconnect with
 * jittered backoff on the reconnect close codes (the SDK's policy), the token read again on every
 * connect, frames validated and folded into the state, commands with their acknowledgement or
 * error. When the channel ends for good it says why in words an operator can act on: the session
 * expired, was revoked, or was refused; it never loops on a credential that cannot work.
 */
import {
  ArcpAuthError,
  ArcpRevokedError,
  ArcpTokenExpiredError,
  DashboardChannel,
  type ArcpError,
  type StateChange,
  type WebSocketConstructor,
} from '@arcp/client';
import { checkFrame } from './frames';
import { applyFrame, EMPTY_STATE, recordInvalid, type DashboardState } from './state';

export type EndReason =
  | { readonly kind: 'expired'; readonly message: string }
  | { readonly kind: 'revoked'; readonly message: string }
  | { readonly kind: 'refused'; readonly message: string }
  | { readonly kind: 'closed'; readonly message: string };

export type CommandName = 'pause' | 'resume' | 'refresh' | 'clear_logs' | 'clear_alerts';

export interface CommandFeedback {
  readonly command: CommandName;
  readonly status: 'pending' | 'ok' | 'error';
  readonly message: string;
  /** Epoch ms of the last change. */
  readonly at: number;
}

export interface LiveView {
  readonly data: DashboardState;
  /** The channel's latest state change (null before the first). */
  readonly connection: StateChange | null;
  readonly paused: boolean;
  readonly command: CommandFeedback | null;
  /** Set when the channel ended for good. */
  readonly ended: EndReason | null;
}

export interface LiveOptions {
  url: string;
  /** Read on every (re)connect; the SDK refuses an expired one before sending it. */
  token: () => string;
  WebSocket?: WebSocketConstructor;
  now?: () => number;
}

/** The words for an error that ended the channel. */
export function endReason(err: ArcpError): EndReason {
  if (err instanceof ArcpTokenExpiredError)
    return { kind: 'expired', message: `Your session expired at ${err.expiredAt.toLocaleTimeString()}. Sign in again.` };
  if (err instanceof ArcpRevokedError)
    return { kind: 'revoked', message: 'Your session was revoked (signed out elsewhere). Sign in again.' };
  if (err instanceof ArcpAuthError)
    return { kind: 'refused', message: `The server refused the session (${err.reason || err.code}). Sign in again.` };
  return { kind: 'closed', message: `The connection closed: ${err.message}` };
}

const COMMAND_TEXT: Record<CommandName, string> = {
  pause: 'Pause',
  resume: 'Resume',
  refresh: 'Refresh',
  clear_logs: 'Clear logs',
  clear_alerts: 'Clear alerts',
};

export class LiveDashboard {
  private view: LiveView = { data: EMPTY_STATE, connection: null, paused: false, command: null, ended: null };
  private readonly listeners = new Set<() => void>();
  private readonly channel: DashboardChannel;
  private readonly now: () => number;

  constructor(opts: LiveOptions) {
    this.now = opts.now ?? Date.now;
    this.channel = new DashboardChannel({
      url: opts.url,
      token: opts.token,
      // An operator's page comes back quickly after a redeploy; a handful of dashboards cannot stampede.
      reconnect: { initialDelayMs: 500, maxDelayMs: 5000 },
      ...(opts.WebSocket ? { WebSocket: opts.WebSocket } : {}),
    });
    this.channel.on('frame', (raw) => {
      const checked = checkFrame(raw);
      this.update({
        data: checked.ok
          ? applyFrame(this.view.data, checked.frame, this.now())
          : recordInvalid(this.view.data, checked.type, checked.error),
      });
    });
    this.channel.on('state', (s) => {
      this.update({
        connection: s,
        paused: this.channel.isPaused,
        ended: s.state === 'closed' && s.error ? endReason(s.error) : this.view.ended,
      });
    });
  }

  get snapshot(): LiveView {
    return this.view;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Opens the channel (again, after it ended with an error that a retry may cure). */
  start(): void {
    this.update({ ended: null });
    // Failures arrive as state changes.
    this.channel.connect().catch(() => undefined);
  }

  stop(): Promise<void> {
    return this.channel.close();
  }

  pause(): Promise<void> {
    return this.command('pause', async () => {
      const ack = await this.channel.pause();
      return `Paused: monitoring, health and alerts stopped (${ack.data.status})`;
    });
  }

  resume(): Promise<void> {
    return this.command('resume', async () => {
      const ack = await this.channel.resumeMonitoring();
      return `Resumed: monitoring, health and alerts flowing (${ack.data.status})`;
    });
  }

  refresh(): Promise<void> {
    return this.command('refresh', async () => ackMessage(await this.channel.refresh()));
  }

  clearLogs(): Promise<void> {
    return this.command('clear_logs', async () => ackMessage(await this.channel.clearLogs()));
  }

  clearAlerts(): Promise<void> {
    return this.command('clear_alerts', async () => ackMessage(await this.channel.clearAlerts()));
  }

  private async command(name: CommandName, run: () => Promise<string>): Promise<void> {
    this.update({ command: { command: name, status: 'pending', message: `${COMMAND_TEXT[name]}…`, at: this.now() } });
    try {
      const message = await run();
      this.update({ command: { command: name, status: 'ok', message, at: this.now() }, paused: this.channel.isPaused });
    } catch (err) {
      this.update({
        command: { command: name, status: 'error', message: `${COMMAND_TEXT[name]} failed: ${(err as Error).message}`, at: this.now() },
      });
    }
  }

  private update(patch: Partial<LiveView>): void {
    this.view = { ...this.view, ...patch };
    for (const l of [...this.listeners]) l();
  }
}

function ackMessage(frame: { type: string; data: { status: string; message?: string } }): string {
  return frame.data.message ?? frame.data.status;
}
