// A command-line GraphQL subscriber: prints every message of one subscription as a JSON line.
//   npm run subscribe -- 'subscription { dataSourceEvents { kind dataSourceId } }'
// GRAPHQL_WS_URL (default ws://localhost:4000/graphql) and API_TOKEN (optional) configure it.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const query = process.argv[2];
if (!query) {
  console.error("usage: npm run subscribe -- '<subscription>' ['<variables as JSON>']");
  process.exit(2);
}
const variables = process.argv[3] ? (JSON.parse(process.argv[3]) as Record<string, unknown>) : undefined;
const token = process.env.API_TOKEN;
const client = createClient({
  url: process.env.GRAPHQL_WS_URL ?? 'ws://localhost:4000/graphql',
  webSocketImpl: WebSocket,
  connectionParams: token ? { authorization: `Bearer ${token}` } : {},
  retryAttempts: 0,
});
const stop = () => void Promise.resolve(client.dispose()).then(() => process.exit(0));
process.on('SIGINT', stop);
try {
  for await (const message of client.iterate({ query, variables })) console.log(JSON.stringify(message));
} catch (error) {
  console.error(error instanceof Error ? error.message : JSON.stringify(error));
  process.exitCode = 1;
}
stop();
