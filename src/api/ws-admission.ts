import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphQLError } from 'graphql';
import { CloseCode } from 'graphql-ws';
import type { WebSocket, WebSocketServer } from 'ws';
import { AppError } from '../errors.js';
import type { Logger } from '../lib/logger.js';
import { fromAppError } from './errors.js';
import { loopbackHost } from './open-mode.js';

/** One graphql-ws message; operations are small, and ws buffers a whole message before parsing it. */
export const WS_MAX_PAYLOAD = 64 * 1024;
/** graphql-ws ids come back in every message for the operation: short, and nothing to escape. */
const OPERATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** graphql-ws's "too many" close code; its client does not reconnect on it, which suits a cap. */
const TOO_MANY_SOCKETS = 4429;

/**
 * Whether a WebSocket handshake's Origin may connect. Browsers always send Origin on WebSocket
 * handshakes and, unlike fetch, do not apply CORS to them: without this check any page a user visits
 * could drive the API with the user's network position (an open local instance) or cookies.
 * - no Origin: not a browser (a CLI, a server), which could forge any header anyway: allowed;
 * - one of ALLOWED_ORIGINS: allowed;
 * - the service's own origin, same host and port as the Host header the browser sent (a console
 *   served by this service): allowed;
 * - anything else, `null` (sandboxed frames, file: pages) included: refused.
 */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowedOrigins: readonly string[],
): boolean {
  if (origin === undefined) return true;
  if (allowedOrigins.includes(origin)) return true;
  if (host === undefined) return false;
  try {
    const from = new URL(origin);
    if (from.protocol !== 'http:' && from.protocol !== 'https:') return false;
    // Read the Host header with the origin's scheme, so that default ports compare equal.
    return new URL(`${from.protocol}//${host}`).host === from.host;
  } catch {
    return false;
  }
}

/** Answers an upgrade request with a plain HTTP error in the JSON shape GraphQL clients read. */
function refuse(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export interface WsAdmissionOptions {
  allowedOrigins: readonly string[];
  maxSockets: number;
  maxSocketsPerToken: number;
  maxOperationsPerSocket: number;
  /** The open development mode: refuse handshakes addressed to any name but this machine's. */
  loopbackHostsOnly: boolean;
  logger: Logger;
}

/**
 * Who may hold a WebSocket and what one may do, at the three points graphql-ws offers:
 * - the HTTP upgrade (`attach`): the path, the Origin, and the cap on sockets in total (refused with
 *   503 before a socket exists, which costs less than accepting and closing);
 * - connection_init (`admitToken`), once the token is known: the cap on sockets per token;
 * - each subscribe (`admitOperation`): the operation id, and the cap on operations per socket.
 */
export function createWsAdmission(options: WsAdmissionOptions) {
  const {
    allowedOrigins,
    maxSockets,
    maxSocketsPerToken,
    maxOperationsPerSocket,
    loopbackHostsOnly,
    logger,
  } = options;
  const socketsByToken = new Map<string, number>();

  return {
    /** Serves WebSockets on `path` of `httpServer` through `wsServer` (noServer); returns a detach. */
    attach(httpServer: Server, wsServer: WebSocketServer, path: string): () => void {
      const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
        // A reset before ws takes the socket over must not become an uncaught 'error'.
        socket.on('error', () => socket.destroy());
        if (new URL(request.url ?? '/', 'http://localhost').pathname !== path) {
          return refuse(socket, 404, 'NOT_FOUND', `WebSockets are served on ${path} only`);
        }
        if (loopbackHostsOnly && !loopbackHost(request.headers.host)) {
          return refuse(socket, 403, 'FORBIDDEN', 'This open development instance answers localhost only');
        }
        const origin = request.headers.origin;
        if (!originAllowed(origin, request.headers.host, allowedOrigins)) {
          logger.warn(
            { origin: origin?.slice(0, 200), clientAddress: request.socket.remoteAddress },
            'WebSocket refused: its Origin is neither this service nor in ALLOWED_ORIGINS',
          );
          return refuse(
            socket,
            403,
            'FORBIDDEN',
            'This origin may not open a WebSocket: see ALLOWED_ORIGINS',
          );
        }
        // ws adds a socket to `clients` within handleUpgrade, synchronously: concurrent upgrades see it.
        if (wsServer.clients.size >= maxSockets) {
          logger.warn({ maxSockets }, 'WebSocket refused: WS_MAX_SOCKETS sockets are open');
          return refuse(socket, 503, 'SERVICE_UNAVAILABLE', 'Too many WebSockets are open; try again later');
        }
        wsServer.handleUpgrade(request, socket, head, (ws) => {
          wsServer.emit('connection', ws, request);
          // ws has already closed the socket with the fitting code (1009 for a message over
          // maxPayload, 1002/1007 for a bad frame) when it emits 'error'; graphql-ws's listener would
          // add a stack trace on stderr for what is a client's fault. One log line instead.
          ws.removeAllListeners('error');
          ws.on('error', (error) =>
            logger.info(
              { clientAddress: request.socket.remoteAddress, reason: error.message },
              'WebSocket closed on a bad message',
            ),
          );
        });
      };
      httpServer.on('upgrade', onUpgrade);
      return () => httpServer.off('upgrade', onUpgrade);
    },

    /** Counts `socket` against its token (a principal's name) until it closes; closes it when over. */
    admitToken(socket: WebSocket, name: string): boolean {
      const open = socketsByToken.get(name) ?? 0;
      if (open >= maxSocketsPerToken) {
        socket.close(
          TOO_MANY_SOCKETS,
          `RATE_LIMITED: too many WebSockets for this token (limit ${maxSocketsPerToken})`,
        );
        return false;
      }
      socketsByToken.set(name, open + 1);
      socket.once('close', () => {
        const left = (socketsByToken.get(name) ?? 1) - 1;
        if (left > 0) socketsByToken.set(name, left);
        else socketsByToken.delete(name);
      });
      return true;
    },

    /**
     * Errors to answer a subscribe with, or undefined to go on. `running` counts the socket's
     * operations, this one included (graphql-ws registers it before asking). A malformed id closes
     * the socket with 4400, as graphql-ws does for any malformed message.
     */
    admitOperation(socket: WebSocket, id: string, running: number): readonly GraphQLError[] | undefined {
      if (!OPERATION_ID.test(id)) {
        socket.close(CloseCode.BadRequest, 'Invalid subscription id');
        return [new GraphQLError('Invalid subscription id', { extensions: { code: 'BAD_REQUEST' } })];
      }
      if (running <= maxOperationsPerSocket) return undefined;
      const message = `Too many operations on this WebSocket: the limit is ${maxOperationsPerSocket}`;
      const limit = { name: 'subscriptionsPerSocket', max: maxOperationsPerSocket };
      return [fromAppError(new AppError('RATE_LIMITED', message, [], { limit }))];
    },
  };
}
