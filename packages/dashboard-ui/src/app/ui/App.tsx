/** The page: the sign-in form until there is a session, then the console; a session that ends says why on the form. */
import { ArcpHttp } from '@arcp/client';
import { useMemo, useState } from 'preact/hooks';
import type { EndReason } from '../model/live';
import { clearSession, isExpired, loadSession, saveSession, type Session } from '../model/session';
import { Console } from './Console';
import { fmtTime } from './format';
import { Login } from './Login';

function initial(): { session: Session | null; notice: string | null } {
  const stored = loadSession(sessionStorage);
  if (stored && isExpired(stored, Date.now())) {
    clearSession(sessionStorage);
    return { session: null, notice: `Your session expired at ${fmtTime(stored.expiresAt!)}. Sign in again.` };
  }
  return { session: stored, notice: null };
}

export function App() {
  const http = useMemo(() => new ArcpHttp(location.origin), []);
  const [state, setState] = useState(initial);
  if (state.session === null) {
    return (
      <Login
        http={http}
        notice={state.notice}
        onSignedIn={(session) => {
          saveSession(sessionStorage, session);
          setState({ session, notice: null });
        }}
      />
    );
  }
  const end = (why: EndReason | null) => {
    clearSession(sessionStorage);
    setState({ session: null, notice: why?.message ?? null });
  };
  return <Console key={state.session.token} http={http} session={state.session} onEnd={end} />;
}
