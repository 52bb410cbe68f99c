import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { generate } from 'selfsigned';
import type { PgTarget } from './pg-targets.js';

/**
 * A fake PostgreSQL server that speaks just enough of the protocol to play a hostile or old server:
 * it answers the SSLRequest (with TLS when given a certificate, else 'N'), reads the startup packet,
 * asks for the password as `auth` says, and records everything it receives. After a login it never
 * answers a query, so a probe's first query times out.
 */
export type FakeAuth = 'cleartext' | 'md5' | 'reject';

export interface FakeMessage {
  type: string;
  body: Buffer;
}

export interface FakeConnection {
  /** The startup packet's parameters, once it arrived. */
  startup?: Record<string, string>;
  /** Whether the client upgraded to TLS (what follows was decrypted by the server). */
  tls: boolean;
  /** Every byte received after the startup packet, decrypted when over TLS. */
  received: Buffer[];
  /** Every typed message received after the startup packet. */
  messages: FakeMessage[];
  /** The MD5 salt this connection was sent. */
  salt?: Buffer;
  /** Resolves when the client's socket is closed. */
  closed: Promise<void>;
}

export interface FakePostgres {
  target: PgTarget;
  connections: FakeConnection[];
  /** Every byte any connection received, startup packets included, as one buffer. */
  everything(): Buffer;
  close(): Promise<void>;
}

const SSL_REQUEST_CODE = 80877103;
const PROTOCOL_3 = 196608;

const message = (type: string, body: Buffer) => {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
};
const int32 = (value: number) => {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
};
const authRequest = (code: number, extra: Buffer = Buffer.alloc(0)) =>
  message('R', Buffer.concat([int32(code), extra]));
const cstring = (text: string) => Buffer.from(`${text}\0`, 'utf8');
const errorResponse = (sqlstate: string, text: string) =>
  message(
    'E',
    Buffer.concat([
      cstring('SFATAL'),
      cstring('VFATAL'),
      cstring(`C${sqlstate}`),
      cstring(`M${text}`),
      Buffer.from([0]),
    ]),
  );
const LOGGED_IN = Buffer.concat([
  authRequest(0),
  message('K', Buffer.concat([int32(4242), int32(1234)])),
  message('Z', Buffer.from('I')),
]);

function parseStartup(body: Buffer): Record<string, string> {
  const parts = body.toString('utf8').split('\0');
  const params: Record<string, string> = {};
  for (let i = 0; i + 1 < parts.length && parts[i] !== ''; i += 2) params[parts[i]!] = parts[i + 1]!;
  return params;
}

/** The hash PostgreSQL stores for an MD5 role, and that a captured MD5 exchange lets one crack. */
export const md5Stored = (password: string, user: string) =>
  createHash('md5').update(`${password}${user}`).digest('hex');

/** What an MD5 login sends: md5(md5(password + user) + salt), prefixed "md5". */
export const md5Response = (password: string, user: string, salt: Buffer) =>
  `md5${createHash('md5')
    .update(Buffer.concat([Buffer.from(md5Stored(password, user)), salt]))
    .digest('hex')}`;

/** A throwaway self-signed certificate for a fake server's TLS (CN=localhost, a day long). */
export async function selfSignedCertificate(): Promise<{ key: Buffer; cert: Buffer }> {
  const now = Date.now();
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - 60_000),
    notAfterDate: new Date(now + 24 * 3600_000),
  });
  return { key: Buffer.from(pems.private), cert: Buffer.from(pems.cert) };
}

export async function startFakePostgres(options: {
  auth: FakeAuth;
  /** With a certificate, the SSLRequest is answered 'S' and the connection upgraded. */
  tls?: { key: Buffer; cert: Buffer };
}): Promise<FakePostgres> {
  const connections: FakeConnection[] = [];
  const raw: Buffer[] = [];
  const sockets = new Set<net.Socket>();

  const serve = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('error', () => socket.destroy());
    let resolveClosed = () => {};
    const connection: FakeConnection = {
      tls: false,
      received: [],
      messages: [],
      closed: new Promise<void>((resolve) => (resolveClosed = resolve)),
    };
    socket.on('close', () => {
      sockets.delete(socket);
      resolveClosed();
    });
    connections.push(connection);

    let stream: net.Socket = socket;
    let pending: Buffer = Buffer.alloc(0);
    let phase: 'startup' | 'typed' = 'startup';
    const onData = (chunk: Buffer) => {
      raw.push(chunk);
      if (phase === 'typed') connection.received.push(chunk);
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        if (phase === 'startup') {
          if (pending.length < 8) return;
          const length = pending.readInt32BE(0);
          if (pending.length < length) return;
          const code = pending.readInt32BE(4);
          const body = pending.subarray(8, length);
          pending = pending.subarray(length);
          if (code === SSL_REQUEST_CODE) {
            if (!options.tls) {
              stream.write('N');
              continue;
            }
            stream.write('S');
            stream.off('data', onData);
            const secure = new tls.TLSSocket(socket, { isServer: true, ...options.tls });
            secure.on('error', () => socket.destroy());
            secure.on('data', onData);
            stream = secure;
            connection.tls = true;
            return;
          }
          if (code !== PROTOCOL_3) {
            stream.destroy();
            return;
          }
          connection.startup = parseStartup(body);
          phase = 'typed';
          if (options.auth === 'cleartext') stream.write(authRequest(3));
          else if (options.auth === 'md5') {
            connection.salt = randomBytes(4);
            stream.write(authRequest(5, connection.salt));
          } else stream.end(errorResponse('28P01', 'password authentication failed'));
          continue;
        }
        if (pending.length < 5) return;
        const length = pending.readInt32BE(1);
        if (pending.length < length + 1) return;
        const type = String.fromCharCode(pending[0]!);
        connection.messages.push({ type, body: Buffer.from(pending.subarray(5, length + 1)) });
        pending = pending.subarray(length + 1);
        if (type === 'p') stream.write(LOGGED_IN);
        if (type === 'X') stream.end();
        // Queries get no answer: the probe's next step times out.
      }
    };
    stream.on('data', onData);
  };

  const server = net.createServer(serve);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    target: { host: '127.0.0.1', port },
    connections,
    everything: () => Buffer.concat(raw),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
