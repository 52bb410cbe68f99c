import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

// The one GraphQL client of the tests and the benchmark: HTTP POST for queries and mutations,
// graphql-ws for subscriptions. No vitest import, so that bench/run.ts can use it under plain tsx.

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: {
    message: string;
    path?: string[];
    extensions?: { code?: string; fields?: { field: string; message: string }[]; requestId?: string };
  }[];
}

/** A token as `Authorization: Bearer …`; null or absent sends none. */
export interface TokenOption {
  token?: string | null;
}

/** One operation over HTTP, with everything the server answered. */
export async function postGraphQL<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  options: TokenOption & { headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; text: string; body: GraphQLResponse<T> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    body: JSON.parse(text) as GraphQLResponse<T>,
  };
}

/** A graphql-ws client for an http(s) or ws(s) GraphQL URL: no retries, the token in connectionParams. */
export function createWsClient(
  url: string,
  options: TokenOption & { lazy?: boolean; onMessage?: (message: unknown) => void } = {},
): Client {
  return createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: options.token ? { authorization: `Bearer ${options.token}` } : {},
    retryAttempts: 0,
    lazy: options.lazy ?? true,
    ...(options.onMessage ? { on: { message: options.onMessage } } : {}),
  });
}

export type Subscription<T> = AsyncIterableIterator<{ data?: T | null; errors?: unknown }>;

export interface GraphQLClient {
  readonly url: string;
  /** The whole response of one operation: data and errors. */
  request<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    options?: TokenOption,
  ): Promise<GraphQLResponse<T>>;
  /** The data of one operation; its errors, if any, are thrown. */
  data<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** A new graphql-ws client, closed by `close()`. */
  ws(options?: TokenOption & { lazy?: boolean }): Client;
  /** A subscription on a graphql-ws client of its own. */
  subscribe<T>(query: string, variables?: Record<string, unknown>, options?: TokenOption): Subscription<T>;
  /** Closes every graphql-ws client it made. */
  close(): Promise<void>;
}

/**
 * A client of one GraphQL endpoint with a default token (a request may pass another, or null for
 * none). `onText` sees every response body and WebSocket message, e.g. to look for a leaked secret.
 */
export function createGraphQLClient(
  url: string,
  options: TokenOption & { onText?: (text: string) => void } = {},
): GraphQLClient {
  const sockets: Client[] = [];
  const tokenOf = (given?: TokenOption) => (given?.token === undefined ? options.token : given.token);
  const onText = options.onText;
  const client: GraphQLClient = {
    url,
    async request(query, variables, requestOptions) {
      const { text, body } = await postGraphQL(url, query, variables, { token: tokenOf(requestOptions) });
      onText?.(text);
      return body as never;
    },
    async data(query, variables) {
      const body = await client.request(query, variables);
      if (!body.data || body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
      return body.data as never;
    },
    ws(wsOptions) {
      const socket = createWsClient(url, {
        token: tokenOf(wsOptions),
        lazy: wsOptions?.lazy,
        onMessage: onText ? (message) => onText(JSON.stringify(message)) : undefined,
      });
      sockets.push(socket);
      return socket;
    },
    subscribe(query, variables, subscribeOptions) {
      return client.ws(subscribeOptions).iterate({ query, variables }) as never;
    },
    async close() {
      for (const socket of sockets.splice(0)) await socket.dispose(); // dispose() is void or a promise
    },
  };
  return client;
}

/** The next value of a subscription, or a failure naming what was awaited after `ms`. */
export async function nextValue<T>(iterator: AsyncIterator<T>, label: string, ms = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${label}`)), ms);
  });
  try {
    const result = await Promise.race([iterator.next(), timeout]);
    if (result.done) throw new Error(`subscription ended while waiting for ${label}`);
    return result.value;
  } finally {
    clearTimeout(timer);
  }
}
