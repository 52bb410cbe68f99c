import { useSyncExternalStore } from 'react';

// The console's few pages, by path (history API; the service answers every such path with the
// console). Only ids appear in paths, never a token.

export type Route =
  | { page: 'data-sources' }
  | { page: 'data-source'; id: string }
  | { page: 'operations' }
  | { page: 'not-found' };

export function routeOf(path: string): Route {
  if (path === '/' || path === '/data-sources') return { page: 'data-sources' };
  if (path === '/operations') return { page: 'operations' };
  const match = /^\/data-sources\/([A-Za-z0-9-]{1,64})$/.exec(path);
  if (match?.[1]) return { page: 'data-source', id: match[1] };
  return { page: 'not-found' };
}

const listeners = new Set<() => void>();
const notify = () => {
  for (const listener of listeners) listener();
};
window.addEventListener('popstate', notify);

export function navigate(path: string): void {
  if (path === location.pathname) return;
  history.pushState(null, '', path);
  window.scrollTo(0, 0);
  notify();
}

export function usePath(): string {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => location.pathname,
  );
}
