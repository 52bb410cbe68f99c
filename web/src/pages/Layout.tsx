import type { ReactNode } from 'react';
import { navigate, usePath } from '../router';
import { useConsole, useLive } from '../state';
import { Logo } from './SignIn';

function NavLink({ to, children }: { to: string; children: ReactNode }) {
  const path = usePath();
  const current = to === '/' ? path === '/' || path.startsWith('/data-sources') : path.startsWith(to);
  return (
    <a
      href={to}
      className="nav-link"
      aria-current={current ? 'page' : undefined}
      onClick={(event) => {
        if (event.metaKey || event.ctrlKey || event.shiftKey) return;
        event.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

/** The frame of every page: navigation, who is signed in, where notices appear. */
export function Layout({ children, notice }: { children: ReactNode; notice: string | null }) {
  const { principal, signOut } = useConsole();
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <aside className="sidebar">
        <div className="brand">
          <Logo />
          <span>Data Source Service</span>
        </div>
        <nav aria-label="Main">
          <NavLink to="/">Data Source Management</NavLink>
          <NavLink to="/operations">Operations</NavLink>
        </nav>
        <div className="who">
          {principal.open ? (
            <p className="small">Open instance: no API tokens are configured.</p>
          ) : (
            <>
              <p className="small">
                Signed in as <strong>{principal.name}</strong>
                <br />
                {principal.role === 'admin' ? 'Admin' : 'Viewer (read-only)'}
              </p>
              <button type="button" className="button button-ghost" onClick={signOut}>
                Sign out
              </button>
            </>
          )}
        </div>
      </aside>
      <main id="main" className="content" tabIndex={-1}>
        {principal.role === 'viewer' && (
          <p className="alert alert-info">
            Read-only: your token is a viewer token, so creating, testing, editing and deleting are not
            offered.
          </p>
        )}
        {children}
      </main>
      <div className="toast-region" role="status" aria-live="polite">
        {notice && <div className="toast">{notice}</div>}
      </div>
    </div>
  );
}

export function LiveIndicator() {
  const state = useLive();
  const label = state === 'live' ? 'Live' : state === 'connecting' ? 'Connecting…' : 'Reconnecting…';
  return (
    <span className={`live live-${state}`} title="Updates arrive over a WebSocket without reloading">
      <span className="live-dot" aria-hidden="true" />
      {label}
    </span>
  );
}

export function BackLink() {
  return (
    <p className="breadcrumb">
      <a
        href="/"
        onClick={(event) => {
          event.preventDefault();
          navigate('/');
        }}
      >
        ← Data Source Management
      </a>
    </p>
  );
}
