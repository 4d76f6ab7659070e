/**
 * An agent's life over HTTP, as one object: temp token → register → heartbeat loop → unregister.
 * The loop retries failed heartbeats with jittered backoff (honouring Retry-After), refreshes the
 * access token before it expires, and registers again when the registry no longer knows the agent
 * (a restart of an in-memory standalone, an admin removing it). `tokenSource` hands the current
 * token to an `AgentsChannel`, so its reconnects use the refreshed one.
 */
import type { AgentRegistrationInput, HeartbeatResponse } from '@arcp/protocol';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import { Emitter } from './emitter';
import { ArcpError, ArcpHttpError } from './errors';
import { ArcpHttp } from './http';
import { tokenExpiry, type TokenSource } from './token';

export interface AgentSessionOptions {
  http: ArcpHttp | string;
  /** One of the server's AGENT_KEYS. */
  agentKey: string;
  /** The registration body; `agent_id` and `agent_type` also go into the temp-token request. */
  registration: AgentRegistrationInput;
  /** Between heartbeats (default 20 s; the server's AGENT_HEARTBEAT_TIMEOUT defaults to 60 s). */
  heartbeatIntervalMs?: number;
  /** Backoff of failed heartbeats (capped at the interval). */
  retry?: Partial<BackoffOptions>;
  /** Refresh the access token this long before it expires (default 5 min). */
  refreshBeforeExpiryMs?: number;
}

export interface AgentSessionEvents {
  registered: { agentId: string; again: boolean };
  heartbeat: HeartbeatResponse;
  heartbeat_failed: { error: ArcpError; failures: number; retryInMs: number };
  token: { token: string; reason: 'refreshed' | 'registered' };
  stopped: { unregistered: boolean };
}

export class AgentSession extends Emitter<AgentSessionEvents> {
  readonly http: ArcpHttp;
  readonly agentId: string;
  /** The current access token, for `new AgentsChannel({ token: session.tokenSource })`. */
  readonly tokenSource: TokenSource = () => this.token;
  private current = '';
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  private failures = 0;
  private stopped = false;
  private readonly interval: number;
  private readonly retry: BackoffOptions;
  private readonly refreshBefore: number;

  private constructor(private readonly options: AgentSessionOptions) {
    super();
    this.http = typeof options.http === 'string' ? new ArcpHttp(options.http) : options.http;
    this.agentId = options.registration.agent_id as string;
    this.interval = options.heartbeatIntervalMs ?? 20_000;
    this.retry = {
      ...DEFAULT_BACKOFF,
      initialDelayMs: 1000,
      ...options.retry,
      maxDelayMs: Math.min(options.retry?.maxDelayMs ?? Infinity, this.interval),
    };
    this.refreshBefore = options.refreshBeforeExpiryMs ?? 5 * 60_000;
  }

  /** Registers the agent and starts heartbeating; rejects (ArcpHttpError) if registration fails. */
  static async start(options: AgentSessionOptions): Promise<AgentSession> {
    const session = new AgentSession(options);
    await session.register(false);
    session.schedule(session.interval);
    return session;
  }

  get token(): string {
    return this.current;
  }

  /** Sends a heartbeat now (outside the schedule) and returns the answer. */
  heartbeatNow(): Promise<HeartbeatResponse> {
    return this.http.heartbeat(this.current, this.agentId);
  }

  /** Stops the loop; unregisters the agent unless told not to (a missing agent is not an error). */
  async stop(opts: { unregister?: boolean } = {}): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    await this.inFlight;
    let unregistered = false;
    if (opts.unregister ?? true) {
      try {
        await this.http.unregisterAgent(this.current, this.agentId);
        unregistered = true;
      } catch (err) {
        if (!(err instanceof ArcpHttpError && err.status === 404)) throw err;
      }
    }
    this.emit('stopped', { unregistered });
  }

  private async register(again: boolean): Promise<void> {
    const reg = this.options.registration;
    const temp = await this.http.requestTempToken(this.agentId, String(reg.agent_type), this.options.agentKey);
    const done = await this.http.registerAgent(temp.temp_token, reg);
    this.current = done.access_token;
    this.emit('token', { token: this.current, reason: 'registered' });
    this.emit('registered', { agentId: this.agentId, again });
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.inFlight = this.beat();
    }, delayMs);
  }

  private async refreshIfDue(): Promise<void> {
    const exp = tokenExpiry(this.current);
    if (exp === undefined || exp.getTime() - Date.now() > this.refreshBefore) return;
    try {
      this.current = (await this.http.refreshToken(this.current)).access_token;
      this.emit('token', { token: this.current, reason: 'refreshed' });
    } catch {
      // An expired or revoked token cannot be refreshed: the heartbeat's 401 leads to registering again.
    }
  }

  private async beat(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.refreshIfDue();
      const answer = await this.http.heartbeat(this.current, this.agentId);
      this.failures = 0;
      this.emit('heartbeat', answer);
      this.schedule(this.interval);
    } catch (err) {
      await this.recover(err);
    }
  }

  /** 404/401: the registry lost the agent or its token; register again. Anything else: back off. */
  private async recover(err: unknown): Promise<void> {
    let error = err instanceof ArcpError ? err : new ArcpError(String(err), { cause: err });
    if (error instanceof ArcpHttpError && (error.status === 404 || error.status === 401) && !this.stopped) {
      try {
        await this.register(true);
        this.failures = 0;
        this.schedule(0);
        return;
      } catch (again) {
        error = again instanceof ArcpError ? again : new ArcpError(String(again), { cause: again });
      }
    }
    this.failures += 1;
    const retryAfter = error instanceof ArcpHttpError && error.retryAfterS !== undefined ? error.retryAfterS * 1000 : 0;
    const retryInMs = Math.max(retryAfter, backoffDelay(this.failures, this.retry));
    this.emit('heartbeat_failed', { error, failures: this.failures, retryInMs });
    this.schedule(retryInMs);
  }
}
