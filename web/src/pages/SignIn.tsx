import { useId, useState } from 'react';
import { signIn, SignInError, type Principal } from '../api/session';

/** Sign in with an API token; it is kept for this tab only. */
export function SignIn({
  onSignedIn,
  notice,
}: {
  onSignedIn: (principal: Principal, token: string) => void;
  notice?: string;
}) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  return (
    <main className="sign-in">
      <div className="sign-in-card">
        <div className="brand brand-dark">
          <Logo />
          <span>Data Source Service</span>
        </div>
        <h1>Sign in</h1>
        <p className="muted">
          Paste an API token. It is kept for this browser tab only and forgotten when you close it or sign
          out.
        </p>
        {notice && !error && (
          <p className="alert alert-info" role="status">
            {notice}
          </p>
        )}
        <form
          onSubmit={(event) => {
            event.preventDefault();
            setBusy(true);
            setError(null);
            signIn(token.trim())
              .then((principal) => onSignedIn(principal, token.trim()))
              .catch((failure: unknown) =>
                setError(
                  failure instanceof SignInError ? failure.message : 'The service could not be reached.',
                ),
              )
              .finally(() => setBusy(false));
          }}
        >
          <div className="field">
            <label htmlFor={`${id}-token`}>API token</label>
            <input
              id={`${id}-token`}
              type="password"
              autoComplete="off"
              spellCheck={false}
              value={token}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `${id}-error` : undefined}
              onChange={(event) => setToken(event.target.value)}
              required
            />
            {error && (
              <p className="field-error" id={`${id}-error`} role="alert">
                {error}
              </p>
            )}
          </div>
          <button
            type="submit"
            className="button button-primary button-block"
            disabled={busy || token.trim() === ''}
          >
            Sign in
          </button>
        </form>
      </div>
    </main>
  );
}

export function Logo() {
  return (
    <svg className="logo" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="7" fill="#2563eb" />
      <ellipse cx="16" cy="9" rx="9" ry="3.5" fill="#fff" />
      <path d="M7 9v14c0 1.9 4 3.5 9 3.5s9-1.6 9-3.5V9" fill="none" stroke="#fff" strokeWidth="2.4" />
      <path d="M7 16c0 1.9 4 3.5 9 3.5s9-1.6 9-3.5" fill="none" stroke="#fff" strokeWidth="2.4" />
    </svg>
  );
}
