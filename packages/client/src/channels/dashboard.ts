/**
 * `/dashboard/ws`: the client sends `{type:"auth",token}` first (a fresh token from the source
 * on every connect); the server answers with its burst, and the first frame marks the channel
 * open. Refusals are close codes (4000/4001/4003), never frames. A paused dashboard stays paused
 * across reconnects: the SDK sends `pause_monitoring` again after re-authenticating.
 */
import type { AckType, AlertInput, DashboardDataMap, DashboardOutboundFrame, PongFrame } from '@arcp/protocol';
import { ChannelClient, type ChannelOptions } from '../connection';
import { ArcpError } from '../errors';
import { resolveToken, type TokenSource } from '../token';

export type DashboardFrame = DashboardOutboundFrame;
export type DashboardLogLevel = 'INFO' | 'SUCS' | 'WARN' | 'CRIT' | 'ERR';

export interface DashboardChannelOptions extends ChannelOptions {
  /** The admin token (from `POST /auth/login`), or a function returning a current one. */
  token: TokenSource;
}

type AckFrame<K extends AckType> = Extract<DashboardFrame, { type: K }>;

export class DashboardChannel extends ChannelClient<DashboardFrame> {
  private readonly sticky: { paused: boolean };

  constructor(options: DashboardChannelOptions) {
    const { token } = options;
    const session = { paused: false };
    super(
      {
        async onSocketOpen(io) {
          io.send(JSON.stringify({ type: 'auth', token: await resolveToken(token) }));
        },
        onJson(io, value) {
          if (!io.isReady) io.ready();
          io.deliver(value as DashboardFrame);
        },
        onReady(io, resumed) {
          if (resumed && session.paused) io.send('{"type":"pause_monitoring"}');
        },
      },
      options,
    );
    this.sticky = session;
  }

  /** True between `pause()` and `resumeMonitoring()`. */
  get isPaused(): boolean {
    return this.sticky.paused;
  }

  /** Stops monitoring, health and alert frames for this client (agents and logs keep coming). */
  async pause(timeoutMs?: number): Promise<AckFrame<'pause_ack'>> {
    const ack = await this.command('pause_monitoring', 'pause_ack', timeoutMs);
    this.sticky.paused = true;
    return ack;
  }

  /** Starts them again (fresh monitoring and health arrive before the ack). */
  async resumeMonitoring(timeoutMs?: number): Promise<AckFrame<'resume_ack'>> {
    const ack = await this.command('resume_monitoring', 'resume_ack', timeoutMs);
    this.sticky.paused = false;
    return ack;
  }

  /** Every frame again now. */
  refresh(timeoutMs?: number): Promise<AckFrame<'refresh_ack'>> {
    return this.command('refresh_request', 'refresh_ack', timeoutMs);
  }

  requestAgents(timeoutMs?: number): Promise<AckFrame<'agents_ack'>> {
    return this.command('agents_request', 'agents_ack', timeoutMs);
  }

  clearLogs(timeoutMs?: number): Promise<AckFrame<'clear_logs_ack'>> {
    return this.command('clear_logs', 'clear_logs_ack', timeoutMs);
  }

  clearAlerts(timeoutMs?: number): Promise<AckFrame<'clear_alerts_ack'>> {
    return this.command('clear_alerts', 'clear_alerts_ack', timeoutMs);
  }

  /** Adds an entry to the dashboard log (no ack; it shows up in the next `logs` frame). */
  log(level: DashboardLogLevel, message: string, timestamp: string = new Date().toISOString()): void {
    this.send({ type: 'dashboard_log', data: { level, message, timestamp } });
  }

  /** Raises alerts (no ack; they arrive as `alert` frames). */
  alert(...alerts: AlertInput[]): void {
    this.send({ type: 'dashboard_alert', data: alerts.length === 1 ? alerts[0] : { alerts } });
  }

  /** Sends `{"type":"ping"}` and resolves with the `pong` frame. */
  async ping(timeoutMs?: number): Promise<PongFrame> {
    return this.request({ type: 'ping' }, (f): f is PongFrame => f.type === 'pong', timeoutMs);
  }

  private async command<K extends AckType>(type: string, ack: K, timeoutMs?: number): Promise<AckFrame<K>> {
    const frame = await this.request({ type }, (f): f is AckFrame<K> => f.type === ack, timeoutMs);
    const data = (frame as unknown as { data: DashboardDataMap[K] }).data as { status: string; message?: string };
    if (data.status === 'error') throw new ArcpError(`${type} failed: ${data.message ?? 'unknown error'}`);
    return frame;
  }
}
