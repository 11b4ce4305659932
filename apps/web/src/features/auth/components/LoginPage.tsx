import { getRouteApi, useRouter } from '@tanstack/react-router';
import { useId, useState, type FormEvent } from 'react';
import { Button } from '../../../components/Button';
import { ApiError } from '../../../lib/api-error';
import { isServerPage, safeNext } from '../../../lib/safe-next';
import { useSignIn } from '../api';

const route = getRouteApi('/login');

/** What to tell the user for each error code the login route answers with. */
function explain(error: unknown): string {
  if (error instanceof ApiError) {
    switch (error.code) {
      case 'INVALID_CREDENTIALS': return 'Wrong user name or password.';
      case 'RATE_LIMITED': return 'Too many failed attempts. Wait a few minutes, then try again.';
      case 'VALIDATION_FAILED': return 'Enter a user name and a password.';
      case 'NETWORK': return 'Could not reach the server. Check your connection and try again.';
      default: return error.message;
    }
  }
  return 'Sign-in failed. Try again.';
}

export function LoginPage() {
  const { next } = route.useSearch();
  const router = useRouter();
  const signIn = useSignIn();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const ids = { user: useId(), password: useId(), error: useId() };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate(
      { username, password },
      {
        onSuccess: () => {
          const target = safeNext(next);
          // Bull Board is served by the API: a full page load, not a client-side route.
          if (isServerPage(target)) window.location.assign(target);
          else router.history.push(target);
        },
      },
    );
  };

  return (
    <main className="login">
      <div className="login-card">
        <div className="login-brand">
          <span className="brand-mark" aria-hidden="true">B</span>
          Bullpen
        </div>
        <form className="card" onSubmit={submit} aria-labelledby="login-title" noValidate>
          <div className="card-body">
            <div>
              <h1 id="login-title" style={{ fontSize: 'var(--text-lg)' }}>Sign in</h1>
              <p className="muted" style={{ margin: '0.25rem 0 0' }}>to the operations console</p>
            </div>
            {signIn.isError ? (
              <div className="form-error" role="alert" id={ids.error} data-testid="login-error">
                {explain(signIn.error)}
              </div>
            ) : null}
            <div className="field">
              <label htmlFor={ids.user}>User name</label>
              <input
                id={ids.user}
                className="input"
                name="username"
                autoComplete="username"
                autoFocus
                required
                value={username}
                onChange={(e) => setUsername(e.target.value)}
                aria-describedby={signIn.isError ? ids.error : undefined}
              />
            </div>
            <div className="field">
              <label htmlFor={ids.password}>Password</label>
              <input
                id={ids.password}
                className="input"
                name="password"
                type="password"
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            </div>
            <Button type="submit" variant="primary" pending={signIn.isPending} disabled={!username || !password}>
              Sign in
            </Button>
          </div>
        </form>
      </div>
    </main>
  );
}
