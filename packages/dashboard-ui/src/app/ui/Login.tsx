/** The sign-in form: admin username and password to `POST /auth/login`; the answer is checked against the protocol's schema. */
import { ArcpHttpError, type ArcpHttp } from '@arcp/client';
import { LoginResponseSchema } from '@arcp/protocol';
import { useState } from 'preact/hooks';
import { newSession, type Session } from '../model/session';

export function loginError(err: unknown): string {
  if (err instanceof ArcpHttpError) {
    if (err.status === 401) return 'Wrong username or password.';
    if (err.status === 429) return `Too many attempts. Try again in ${err.retryAfterS ?? 60} s.`;
    if (err.status === 503) return 'Sign-in is not available: the server has no admin password configured.';
    return `Sign-in failed: ${err.problem?.detail ?? `HTTP ${err.status}`}`;
  }
  return `Cannot reach the server: ${(err as Error).message}`;
}

export function Login(props: { http: ArcpHttp; notice: string | null; onSignedIn: (s: Session) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = LoginResponseSchema.safeParse(await props.http.login(username, password));
      if (!answer.success) throw new Error('the login answer is not what the protocol describes');
      props.onSignedIn(newSession(answer.data.access_token, username));
    } catch (err) {
      setError(loginError(err));
      setBusy(false);
    }
  };

  return (
    <main class="login">
      <form class="card login-card" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">ARCP dashboard</h1>
        {props.notice && !error && (
          <p class="notice" role="status" data-testid="login-notice">
            {props.notice}
          </p>
        )}
        <label>
          Username
          <input name="username" autocomplete="username" required value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
