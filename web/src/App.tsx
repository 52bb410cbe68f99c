import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Provider } from 'urql';
import { createConsoleClient, type ConsoleClient } from './api/client';
import { RegionsQuery } from './api/documents';
import { isOpen, signIn, signOut, storedToken, type Principal } from './api/session';
import { DataSourceDetail } from './pages/DataSourceDetail';
import { DataSources } from './pages/DataSources';
import { Layout } from './pages/Layout';
import { Operations } from './pages/Operations';
import { SignIn } from './pages/SignIn';
import { routeOf, usePath } from './router';
import { ConsoleProvider, type ConsoleState } from './state';

type Phase =
  | { kind: 'checking' }
  | { kind: 'signed-out'; notice?: string }
  | { kind: 'signed-in'; principal: Principal; token: string | null };

export function App() {
  const [phase, setPhase] = useState<Phase>({ kind: 'checking' });

  useEffect(() => {
    const token = storedToken();
    // Without a token, ask first whether one is needed, rather than be refused.
    (token ? signIn(token) : isOpen().then((open) => (open ? signIn(null) : Promise.reject(new Error()))))
      .then((principal) => setPhase({ kind: 'signed-in', principal, token }))
      .catch(() =>
        setPhase({
          kind: 'signed-out',
          notice: token ? 'Your token was refused: sign in again.' : undefined,
        }),
      );
  }, []);

  if (phase.kind === 'checking') return <p className="loading">Loading…</p>;
  if (phase.kind === 'signed-out') {
    return (
      <SignIn
        notice={phase.notice}
        onSignedIn={(principal, token) => setPhase({ kind: 'signed-in', principal, token })}
      />
    );
  }
  return (
    <SignedIn
      key={phase.token ?? 'open'}
      principal={phase.principal}
      token={phase.token}
      onSignedOut={(notice) => setPhase({ kind: 'signed-out', notice })}
    />
  );
}

function SignedIn({
  principal,
  token,
  onSignedOut,
}: {
  principal: Principal;
  token: string | null;
  onSignedOut: (notice?: string) => void;
}) {
  const endedRef = useRef(false);
  const end = useCallback(
    (notice?: string) => {
      if (endedRef.current) return;
      endedRef.current = true;
      void signOut().finally(() => onSignedOut(notice));
    },
    [onSignedOut],
  );
  // Made and disposed in an effect, so that its WebSocket lives exactly as long as this view.
  const [consoleClient, setConsoleClient] = useState<ConsoleClient | null>(null);
  useEffect(() => {
    const made = createConsoleClient(token, () =>
      end('Your session ended: the token was refused. Sign in again.'),
    );
    setConsoleClient(made);
    return () => made.dispose();
  }, [token, end]);

  const [regions, setRegions] = useState<readonly string[] | null>(null);
  useEffect(() => {
    if (!consoleClient) return;
    void consoleClient.client
      .query(RegionsQuery, {})
      .toPromise()
      .then((result) => setRegions(result.data?.regions ?? []));
  }, [consoleClient]);

  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), 4000);
    return () => clearTimeout(timer);
  }, [notice]);

  const state: ConsoleState | null = useMemo(
    () =>
      consoleClient &&
      regions && {
        principal,
        regions,
        live: consoleClient.live,
        notify: setNotice,
        signOut: () => end(),
      },
    [principal, regions, consoleClient, end],
  );
  const path = usePath();
  if (!state || !consoleClient) return <p className="loading">Loading…</p>;
  const route = routeOf(path);
  return (
    <Provider value={consoleClient.client}>
      <ConsoleProvider value={state}>
        <Layout notice={notice}>
          {route.page === 'data-sources' && <DataSources />}
          {route.page === 'data-source' && <DataSourceDetail key={route.id} id={route.id} />}
          {route.page === 'operations' && <Operations />}
          {route.page === 'not-found' && (
            <div className="card empty">
              <h1>Page not found</h1>
            </div>
          )}
        </Layout>
      </ConsoleProvider>
    </Provider>
  );
}
