import { Client, fetchExchange, mapExchange, subscriptionExchange, type CombinedError } from '@urql/core';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';

/** The WebSocket's state, for the "Live" indicator. */
export type LiveState = 'connecting' | 'live' | 'reconnecting';

export interface ConsoleClient {
  client: Client;
  live: {
    get: () => LiveState;
    subscribe: (listener: () => void) => () => void;
  };
  dispose: () => void;
}

/** graphql-ws's close code for a refused token (the service closes with 4401). */
const UNAUTHORIZED = 4401;

export const isUnauthenticated = (error: CombinedError | undefined) =>
  !!error &&
  ((error.response as Response | undefined)?.status === 401 ||
    error.graphQLErrors.some((e) => e.extensions.code === 'UNAUTHENTICATED'));

/**
 * urql over HTTP for queries and mutations, graphql-ws for subscriptions, both on /graphql of this
 * origin with the token as a bearer header (connectionParams.authorization on the socket). A refused
 * token on either calls `onUnauthenticated`.
 */
export function createConsoleClient(token: string | null, onUnauthenticated: () => void): ConsoleClient {
  const authorization = token ? `Bearer ${token}` : undefined;
  let state: LiveState = 'connecting';
  const listeners = new Set<() => void>();
  const set = (next: LiveState) => {
    state = next;
    for (const listener of listeners) listener();
  };

  const ws: WsClient = createWsClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
    connectionParams: authorization ? { authorization } : {},
    lazy: false,
    keepAlive: 15_000,
    retryAttempts: Infinity,
    shouldRetry: (event) => !(event instanceof CloseEvent && event.code === UNAUTHORIZED),
    on: {
      connected: () => set('live'),
      closed: (event) => {
        if (event instanceof CloseEvent && event.code === UNAUTHORIZED) onUnauthenticated();
        else set('reconnecting');
      },
    },
  });

  const client = new Client({
    url: '/graphql',
    // Every view asks the service itself; live updates come from subscriptions, not a cache.
    requestPolicy: 'network-only',
    // POST for every operation: the service refuses GET without a preflight header (CSRF prevention).
    preferGetMethod: false,
    fetchOptions: (): RequestInit => ({
      headers: authorization ? { authorization } : {},
      // The bearer header is the API's credential; the Bull Board cookie is not sent to it.
      credentials: 'omit',
    }),
    exchanges: [
      mapExchange({
        onError: (error) => {
          if (isUnauthenticated(error)) onUnauthenticated();
        },
      }),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({
            unsubscribe: ws.subscribe({ ...request, query: request.query ?? '' }, sink),
          }),
        }),
      }),
    ],
  });

  return {
    client,
    live: {
      get: () => state,
      subscribe: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    dispose: () => void ws.dispose(),
  };
}
