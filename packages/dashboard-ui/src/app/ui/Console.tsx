/**
 * The signed-in page: header (views, connection, Pause/Resume/Refresh, sign-out), the current
 * view, and the command feedback line. It owns the live connection for the session's lifetime
 * and ends the session when the token expires or the channel refuses it.
 */
import type { ArcpHttp } from '@arcp/client';
import { useEffect, useMemo } from 'preact/hooks';
import { LiveDashboard, type EndReason } from '../model/live';
import type { Session } from '../model/session';
import { Agents } from './Agents';
import { ConnectionBadge } from './Connection';
import { fmtTime } from './format';
import { useLive, useRoute } from './hooks';
import { Logs } from './Logs';
import { Overview } from './Overview';

/** setTimeout's largest delay; a longer session is re-checked when it fires. */
const MAX_TIMER_MS = 2_147_483_647;

export function Console(props: { http: ArcpHttp; session: Session; onEnd: (why: EndReason | null) => void }) {
  const { http, session } = props;
  const live = useMemo(() => new LiveDashboard({ url: http.channelUrl('/dashboard/ws'), token: () => session.token }), [http, session]);
  const view = useLive(live);
  const [route, go] = useRoute();

  useEffect(() => {
    live.start();
    return () => void live.stop();
  }, [live]);

  // The session's own end: at the token's expiry the page stops and says so (no retry loop).
  useEffect(() => {
    if (session.expiresAt === null) return;
    let timer: ReturnType<typeof setTimeout>;
    const check = () => {
      const left = session.expiresAt! - Date.now();
      if (left <= 0) props.onEnd({ kind: 'expired', message: `Your session expired at ${fmtTime(session.expiresAt!)}. Sign in again.` });
      else timer = setTimeout(check, Math.min(left, MAX_TIMER_MS));
    };
    check();
    return () => clearTimeout(timer);
  }, [session]);

  useEffect(() => {
    if (view.ended && view.ended.kind !== 'closed') props.onEnd(view.ended);
  }, [view.ended]);

  const busy = view.command?.status === 'pending';
  const open = view.connection?.state === 'open';
  return (
    <div class="console">
      <header class="topbar">
        <strong class="brand">ARCP</strong>
        <nav aria-label="Views">
          {(['overview', 'agents', 'logs'] as const).map((v) => (
            <a key={v} href={`#/${v}`} aria-current={route.view === v ? 'page' : undefined}>
              {v === 'overview' ? 'Overview' : v === 'agents' ? 'Agents' : 'Logs'}
            </a>
          ))}
        </nav>
        <ConnectionBadge view={view} />
        <div class="actions">
          {view.paused ? (
            <button type="button" onClick={() => void live.resume()} disabled={busy || !open}>
              Resume
            </button>
          ) : (
            <button type="button" onClick={() => void live.pause()} disabled={busy || !open}>
              Pause
            </button>
          )}
          <button type="button" class="secondary" onClick={() => void live.refresh()} disabled={busy || !open}>
            Refresh
          </button>
          <span class="muted user">{session.username}</span>
          <button type="button" class="secondary" onClick={() => void signOut(http, live, session, props.onEnd)}>
            Sign out
          </button>
        </div>
      </header>
      {view.ended?.kind === 'closed' && (
        <p class="banner error" role="alert">
          {view.ended.message}{' '}
          <button type="button" onClick={() => live.start()}>
            Reconnect
          </button>
        </p>
      )}
      {view.command && (
        <p
          class={`banner cmd cmd-${view.command.status}`}
          role="status"
          data-testid="command-status"
          data-command={view.command.command}
          data-status={view.command.status}
        >
          {view.command.message}
          {view.command.status !== 'pending' && <span class="muted"> · {fmtTime(view.command.at)}</span>}
        </p>
      )}
      {view.data.invalidFrames > 0 && (
        <p class="banner warn" role="status" data-testid="invalid-frames">
          {view.data.invalidFrames} frame(s) did not match the protocol and were ignored. Last: {view.data.lastInvalid}
        </p>
      )}
      <main>
        {route.view === 'overview' && <Overview view={view} onClearAlerts={() => void live.clearAlerts()} />}
        {route.view === 'agents' && (
          <Agents data={view.data.agents} openId={route.agentId} onOpen={(id) => go({ view: 'agents', agentId: id })} />
        )}
        {route.view === 'logs' && <Logs logs={view.data.logs} onClear={() => void live.clearLogs()} />}
      </main>
    </div>
  );
}

/** Closes the channel first (so the revocation's 4009 is not mistaken for a remote sign-out), then revokes the token. */
async function signOut(http: ArcpHttp, live: LiveDashboard, session: Session, onEnd: (why: EndReason | null) => void): Promise<void> {
  await live.stop();
  try {
    await http.logout(session.token);
    onEnd({ kind: 'closed', message: 'Signed out. The session token is revoked.' });
  } catch (err) {
    onEnd({ kind: 'closed', message: `Signed out here, but the server could not revoke the token: ${(err as Error).message}` });
  }
}
