// Who is signed in. The token lives in sessionStorage: this tab only, gone when it closes, never in a
// URL. Signing in also asks the service for the Bull Board cookie (HttpOnly: no script here sees it).

const KEY = 'dss.console.token';
const SESSION_URL = '/admin/session';

export type Role = 'admin' | 'viewer';

export interface Principal {
  name: string;
  role: Role;
  /** No API tokens are configured: nobody signs in. */
  open: boolean;
  /** Whether Bull Board opens for this session. */
  bullBoard: boolean;
}

export const storedToken = (): string | null => sessionStorage.getItem(KEY);

export class SignInError extends Error {}

/** Whether the service has no API tokens configured, so that nobody signs in. */
export async function isOpen(): Promise<boolean> {
  const response = await fetch(SESSION_URL, { credentials: 'same-origin' });
  return response.ok && ((await response.json()) as { open?: unknown }).open === true;
}

/** Checks `token` (none: is the API open?) and opens the session; keeps the token for this tab. */
export async function signIn(token: string | null): Promise<Principal> {
  const response = await fetch(SESSION_URL, {
    method: 'POST',
    headers: token ? { authorization: `Bearer ${token}` } : {},
    credentials: 'same-origin',
  });
  if (response.status === 401) {
    sessionStorage.removeItem(KEY);
    throw new SignInError(token ? 'This token is not valid.' : 'Sign in with an API token.');
  }
  if (!response.ok) throw new Error(`The service answered ${response.status}; try again.`);
  const principal = (await response.json()) as Principal;
  if (token) sessionStorage.setItem(KEY, token);
  return principal;
}

/** Forgets the token and revokes the Bull Board session. */
export async function signOut(): Promise<void> {
  sessionStorage.removeItem(KEY);
  await fetch(SESSION_URL, { method: 'DELETE', credentials: 'same-origin' }).catch(() => undefined);
}
