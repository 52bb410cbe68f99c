import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  appendFile,
  chmod,
  chown,
  copyFile,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { existsSync, readdirSync, rmSync, watch, type FSWatcher } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { generate } from 'selfsigned';
import { embeddedBinaries, type Binaries } from '../../src/lib/embedded-postgres.js';

/**
 * Throwaway PostgreSQL servers (and a few fake TCP servers) for connection-test integration tests, started
 * once per run. Everything lives under one fresh temp dir; nothing touches the PostgreSQL on :5432.
 * The servers are the embedded PostgreSQL's binaries (the npm package the service starts without
 * DATABASE_URL), so the suite needs no PostgreSQL installed; the certificate comes from `selfsigned`,
 * not openssl.
 */

export interface PgTarget {
  host: string;
  port: number;
}

export interface Targets {
  /** scram-sha-256 on every TCP line, wal_level=logical, ssl off. */
  scram: PgTarget;
  /** ssl on (self-signed, CN=localhost); pg_hba only `hostssl ... scram-sha-256`, so plain TCP gets 28000. */
  tls: PgTarget;
  /** wal_level=replica, scram-sha-256, ssl off. */
  replica: PgTarget;
  /** Streaming hot standby of `scram` (pg_is_in_recovery() is true). */
  standby: PgTarget;
  /** Accepts TCP connections and never writes a byte. */
  silent: PgTarget;
  /** Nothing listens: connection refused. */
  closed: PgTarget;
  /** Answers the first bytes with an HTTP 400 and ends the socket. */
  notPostgres: PgTarget;
  /** Answers the first bytes with 'S' (SSL accepted), then 64 bytes of garbage, then destroys the socket. */
  badTls: PgTarget;
}

export const SUPERUSER_PASSWORD = 'target-superuser-pw';

type RoleName =
  | 'postgres'
  | 'app_full'
  | 'app_norepl'
  | 'app_noschema'
  | 'app_noread'
  | 'app_partial'
  | 'app_nocreate'
  | 'app_limited'
  | 'hba_rejected'
  | 'app_md5';

const rolePassword = (name: string) => ({ password: `${name}-pw` });

/** Every login role on the real targets with its password (role name + '-pw'; postgres: SUPERUSER_PASSWORD). */
export const ROLES: Record<RoleName, { password: string }> & { [name: string]: { password: string } } = {
  postgres: { password: SUPERUSER_PASSWORD },
  app_full: rolePassword('app_full'),
  app_norepl: rolePassword('app_norepl'),
  app_noschema: rolePassword('app_noschema'),
  app_noread: rolePassword('app_noread'),
  app_partial: rolePassword('app_partial'),
  app_nocreate: rolePassword('app_nocreate'),
  app_limited: rolePassword('app_limited'),
  hba_rejected: rolePassword('hba_rejected'),
  // Only on the servers of startServerOf.
  app_md5: rolePassword('app_md5'),
};

const HOST = '127.0.0.1';
const RUNUSER = '/usr/sbin/runuser';
const AS_ROOT = process.getuid?.() === 0;

interface Account {
  uid: number;
  gid: number;
}

/**
 * PostgreSQL refuses to run as root: as root, the servers run as the OS user `postgres`, created when
 * missing (as the service does for its embedded PostgreSQL). Undefined when not root.
 */
function postgresAccount(): Account | undefined {
  if (!AS_ROOT) return undefined;
  const id = (flag: '-u' | '-g') => {
    const result = spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
    return result.status === 0 ? Number(result.stdout.trim()) : undefined;
  };
  if (id('-u') === undefined) {
    spawnSync('useradd', [
      '--system',
      '--user-group',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      'postgres',
    ]);
  }
  const uid = id('-u');
  const gid = id('-g');
  if (uid === undefined || gid === undefined) {
    throw new Error('pg-targets: running as root, and there is no OS user "postgres" to run PostgreSQL as');
  }
  return { uid, gid };
}

/** Runs a command as the `postgres` OS user when we are root (PostgreSQL refuses root), else directly. */
function runPg(cmd: string, args: string[], cwd: string, timeoutMs = 60_000): Promise<string> {
  const [file, argv] = AS_ROOT ? [RUNUSER, ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  return new Promise((resolve, reject) => {
    execFile(
      file,
      argv,
      { cwd, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          const command = [file, ...argv].join(' ');
          reject(new Error(`${command} failed: ${error.message}\n${stdout}\n${stderr}`.trim()));
        } else {
          resolve(stdout);
        }
      },
    );
  });
}

/** `n` distinct free loopback ports (all bound at once, then released). */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer();
          server.once('error', reject);
          server.listen(0, HOST, () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  return ports;
}

interface FakeServer {
  port: number;
  close(): Promise<void>;
}

async function startFake(onConnection: (socket: net.Socket) => void): Promise<FakeServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    onConnection(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

interface PgServer {
  name: string;
  dataDir: string;
  logFile: string;
  port: number;
}

const pgConf = (port: number, socketDir: string, extra: Record<string, string | number>) => {
  const settings: Record<string, string | number> = {
    listen_addresses: `'${HOST}'`,
    port,
    unix_socket_directories: `'${socketDir}'`,
    max_connections: 30,
    shared_buffers: `'16MB'`,
    fsync: 'off',
    synchronous_commit: 'off',
    log_min_messages: 'warning',
    logging_collector: 'off',
    ...extra,
  };
  const lines = Object.entries(settings).map(([key, value]) => `${key} = ${value}`);
  return `\n# pg-targets\n${lines.join('\n')}\n`;
};

const HBA_LOCAL = ['local all all trust', 'local replication all trust'];
const HBA_SCRAM = [
  ...HBA_LOCAL,
  `host all hba_rejected ${HOST}/32 reject`,
  `host replication all ${HOST}/32 scram-sha-256`,
  `host all all ${HOST}/32 scram-sha-256`,
];
const HBA_TLS = [`hostssl all all ${HOST}/32 scram-sha-256`];

/** Cluster-level setup, run against the `postgres` database once appdb exists. */
const SETUP_CLUSTER = `
  CREATE ROLE app_full LOGIN REPLICATION PASSWORD '${ROLES.app_full.password}';
  CREATE ROLE app_norepl LOGIN PASSWORD '${ROLES.app_norepl.password}';
  CREATE ROLE app_noschema LOGIN PASSWORD '${ROLES.app_noschema.password}';
  CREATE ROLE app_noread LOGIN PASSWORD '${ROLES.app_noread.password}';
  CREATE ROLE app_partial LOGIN PASSWORD '${ROLES.app_partial.password}';
  CREATE ROLE app_nocreate LOGIN REPLICATION PASSWORD '${ROLES.app_nocreate.password}';
  CREATE ROLE app_limited LOGIN CONNECTION LIMIT 0 PASSWORD '${ROLES.app_limited.password}';
  CREATE ROLE hba_rejected LOGIN PASSWORD '${ROLES.hba_rejected.password}';
  REVOKE ALL ON DATABASE appdb FROM PUBLIC;
  GRANT CONNECT, CREATE ON DATABASE appdb TO app_full;
  GRANT CONNECT ON DATABASE appdb TO app_norepl, app_noschema, app_noread, app_partial, app_nocreate, app_limited;
  REVOKE CREATE ON DATABASE appdb FROM app_nocreate;
`;

/** Setup inside `appdb` (and inside a fresh database that should look like it: freshDatabase's `setup`). */
export const SETUP_APPDB = `
  REVOKE CREATE ON SCHEMA public FROM PUBLIC;
  CREATE SCHEMA sales;
  CREATE TABLE sales.orders (id int PRIMARY KEY);
  CREATE TABLE sales.customers (id int PRIMARY KEY);
  CREATE SCHEMA empty_schema;
  GRANT USAGE ON SCHEMA sales, empty_schema TO app_full;
  GRANT USAGE ON SCHEMA sales TO app_norepl, app_noread, app_partial, app_nocreate;
  GRANT SELECT ON ALL TABLES IN SCHEMA sales TO app_full, app_norepl, app_nocreate;
  GRANT SELECT ON sales.orders TO app_partial;
`;

function superuserConfig(port: number, database: string, ssl: boolean): pg.ClientConfig {
  return {
    host: HOST,
    port,
    user: 'postgres',
    password: SUPERUSER_PASSWORD,
    database,
    ssl: ssl ? { rejectUnauthorized: false } : false,
    connectionTimeoutMillis: 10_000,
  };
}

async function withClient<T>(config: pg.ClientConfig, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(config);
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function setupRolesAndDatabases(port: number, ssl: boolean): Promise<void> {
  await withClient(superuserConfig(port, 'postgres', ssl), async (client) => {
    // CREATE DATABASE cannot run in the implicit transaction of a multi-statement query.
    await client.query('CREATE DATABASE appdb OWNER postgres');
    await client.query(SETUP_CLUSTER);
  });
  await withClient(superuserConfig(port, 'appdb', ssl), (client) => client.query(SETUP_APPDB));
}

async function tail(file: string, lines = 40): Promise<string> {
  try {
    const text = await readFile(file, 'utf8');
    return text.split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * A fresh temp dir for throwaway clusters of one set of binaries: `server` names one, `initPrimary`
 * creates, configures and starts it; `stop` stops every postmaster started here (standbys first) and
 * removes the dir, which also happens if the process exits first.
 */
async function clusterWorkspace(bin: Binaries, maxConnections: number) {
  const account = postgresAccount();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pg-targets-'));
  await chmod(dir, 0o777);
  const socketDir = path.join(dir, 'sockets');
  await mkdir(socketDir);
  await chmod(socketDir, 0o777);
  const pwFile = path.join(dir, 'superuser.pw');
  await writeFile(pwFile, `${SUPERUSER_PASSWORD}\n`);
  await chmod(pwFile, 0o644);

  const started: PgServer[] = [];
  const known: PgServer[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];

  const pgCtlStopSync = (server: PgServer) => {
    const args = ['stop', '-D', server.dataDir, '-m', 'immediate', '-w'];
    const cmd = bin.pg_ctl;
    try {
      if (AS_ROOT)
        execFileSync(RUNUSER, ['-u', 'postgres', '--', cmd, ...args], { cwd: os.tmpdir(), stdio: 'ignore' });
      else execFileSync(cmd, args, { cwd: os.tmpdir(), stdio: 'ignore' });
    } catch {
      // best effort
    }
  };
  // If the process dies without calling stop(), do not leave postmasters and data behind.
  const onExit = () => {
    for (const server of [...started].reverse()) pgCtlStopSync(server);
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);

  const stopServer = async (server: PgServer) => {
    await runPg(bin.pg_ctl, ['stop', '-D', server.dataDir, '-m', 'immediate', '-w'], dir);
    const index = started.indexOf(server);
    if (index >= 0) started.splice(index, 1);
  };

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    const errors: unknown[] = [];
    const standbys = started.filter((server) => server.name.endsWith('standby'));
    await Promise.all(
      standbys.map((server) => stopServer(server).catch((error: unknown) => errors.push(error))),
    );
    await Promise.all(
      [...started].map((server) => stopServer(server).catch((error: unknown) => errors.push(error))),
    );
    await Promise.all(cleanups.map((cleanup) => cleanup().catch((error: unknown) => errors.push(error))));
    await rm(dir, { recursive: true, force: true }).catch((error: unknown) => errors.push(error));
    process.off('exit', onExit);
    if (errors.length > 0) throw new AggregateError(errors, 'pg-targets: stop failed');
  };

  const server = (name: string, port: number): PgServer => {
    const s = { name, dataDir: path.join(dir, name), logFile: path.join(dir, `${name}.log`), port };
    known.push(s);
    return s;
  };

  const start = async (s: PgServer) => {
    // Tracked before pg_ctl returns: a postmaster that came up but missed the -w deadline is stopped too.
    started.push(s);
    for (let attempt = 1; ; attempt += 1) {
      const logged = (await readFile(s.logFile, 'utf8').catch(() => '')).length;
      try {
        await runPg(bin.pg_ctl, ['start', '-D', s.dataDir, '-l', s.logFile, '-w', '-t', '60'], dir);
        return;
      } catch (error) {
        // A free port is free only until someone binds it: another process on the machine (another
        // test run) may have taken it since freePorts. Then move to another one (the last line wins).
        const log = (await readFile(s.logFile, 'utf8').catch(() => '')).slice(logged);
        if (attempt === 3 || !log.includes('could not create any TCP/IP sockets')) throw error;
        [s.port] = (await freePorts(1)) as [number];
        await appendFile(path.join(s.dataDir, 'postgresql.auto.conf'), `\nport = ${s.port}\n`);
      }
    }
  };

  const initPrimary = async (
    s: PgServer,
    hba: string[],
    extra: Record<string, string | number>,
    beforeStart?: () => Promise<void>,
  ) => {
    await runPg(
      bin.initdb,
      [
        '-D',
        s.dataDir,
        '-U',
        'postgres',
        '--auth-local=trust',
        '--auth-host=scram-sha-256',
        `--pwfile=${pwFile}`,
        '-E',
        'UTF8',
        '--locale=C',
        '--no-sync',
      ],
      dir,
    );
    await appendFile(
      path.join(s.dataDir, 'postgresql.conf'),
      pgConf(s.port, socketDir, { max_connections: maxConnections, ...extra }),
    );
    await writeFile(path.join(s.dataDir, 'pg_hba.conf'), `${hba.join('\n')}\n`);
    if (beforeStart) await beforeStart();
    await start(s);
  };

  // A self-signed server certificate for localhost and 127.0.0.1, valid for a day. The key must
  // belong to the server's user and be readable by it alone, or PostgreSQL refuses to start.
  const makeCertificate = async (s: PgServer) => {
    const now = Date.now();
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
      keySize: 2048,
      algorithm: 'sha256',
      notBeforeDate: new Date(now - 60_000),
      notAfterDate: new Date(now + 24 * 3600_000),
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: 'localhost' },
            { type: 7, ip: HOST },
          ],
        },
      ],
    });
    const key = path.join(s.dataDir, 'server.key');
    const cert = path.join(s.dataDir, 'server.crt');
    await writeFile(key, pems.private, { mode: 0o600 });
    await writeFile(cert, pems.cert, { mode: 0o644 });
    if (account) {
      await chown(key, account.uid, account.gid);
      await chown(cert, account.uid, account.gid);
    }
  };

  /** Start-up failed: stop everything, and throw with the tail of every server's log. */
  const failed = async (error: unknown): Promise<never> => {
    const logs = await Promise.all(
      known.map(async (s) => `--- ${s.name} (${s.logFile}) ---\n${await tail(s.logFile)}`),
    );
    await stop().catch(() => undefined);
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`pg-targets: start-up failed: ${message}\n${logs.join('\n')}`, { cause: error });
  };

  return {
    account,
    dir,
    server,
    start,
    initPrimary,
    makeCertificate,
    stop,
    failed,
    /** Runs at stop(), after the postmasters. */
    onStop: (cleanup: () => Promise<unknown>) => cleanups.push(cleanup),
  };
}

const REPLICATION_SETTINGS = { max_wal_senders: 10, max_replication_slots: 10 };

const standbyConninfo = (primaryPort: number) =>
  `host=${HOST} port=${primaryPort} user=postgres password=${SUPERUSER_PASSWORD} application_name=standby`;

/** `maxConnections` (30 by default) for loads such as the benchmark's. */
export async function startTargets(
  options: { maxConnections?: number } = {},
): Promise<{ targets: Targets; stop: () => Promise<void> }> {
  const bin = await embeddedBinaries();
  const ws = await clusterWorkspace(bin, options.maxConnections ?? 30);
  const fakes: FakeServer[] = [];
  ws.onStop(() => Promise.all(fakes.map((fake) => fake.close())));

  try {
    const [scramPort, tlsPort, replicaPort, standbyPort, closedPort] = (await freePorts(5)) as [
      number,
      number,
      number,
      number,
      number,
    ];
    const scram = ws.server('scram', scramPort);
    const tls = ws.server('tls', tlsPort);
    const replica = ws.server('replica', replicaPort);
    const standby = ws.server('standby', standbyPort);

    const fake = async (onConnection: (socket: net.Socket) => void) => {
      const fakeServer = await startFake(onConnection);
      fakes.push(fakeServer);
      return fakeServer;
    };
    const [fakeSilent, fakeNotPostgres, fakeBadTls] = await Promise.all([
      fake(() => undefined),
      fake((socket) => {
        socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'));
      }),
      fake((socket) => {
        socket.once('data', () => {
          socket.write('S');
          socket.write(randomBytes(64), () => socket.destroy());
        });
      }),
    ]);

    // scram, tls and replica are independent: initdb, configure, start and populate them concurrently
    // (allSettled: on a failure, let the others finish starting so that stop() catches every postmaster).
    await settleAll([
      ws
        .initPrimary(scram, HBA_SCRAM, { wal_level: 'logical', ssl: 'off', ...REPLICATION_SETTINGS })
        .then(() => setupRolesAndDatabases(scram.port, false)),
      ws
        .initPrimary(
          tls,
          HBA_TLS,
          {
            wal_level: 'replica',
            ssl: 'on',
            ssl_cert_file: `'server.crt'`,
            ssl_key_file: `'server.key'`,
            full_page_writes: 'off',
          },
          () => ws.makeCertificate(tls),
        )
        .then(() => setupRolesAndDatabases(tls.port, true)),
      ws
        .initPrimary(replica, HBA_SCRAM, {
          wal_level: 'replica',
          ssl: 'off',
          full_page_writes: 'off',
          ...REPLICATION_SETTINGS,
        })
        .then(() => setupRolesAndDatabases(replica.port, false)),
    ]);

    // The standby: a base backup of `scram` (roles and appdb included), on its own port.
    const conninfo = standbyConninfo(scram.port);
    const major = await serverMajor(bin.postgres);
    const basebackup = await systemBaseBackup(major);
    if (basebackup) {
      await runPg(
        'env',
        [
          `PGPASSWORD=${SUPERUSER_PASSWORD}`,
          basebackup,
          '-D',
          standby.dataDir,
          '-h',
          HOST,
          '-p',
          String(scram.port),
          '-U',
          'postgres',
          '-R',
          '-X',
          'stream',
          '--checkpoint=fast',
          '--no-sync',
        ],
        ws.dir,
      );
      await appendFile(
        path.join(standby.dataDir, 'postgresql.auto.conf'),
        `\n# pg-targets\nport = ${standby.port}\nprimary_conninfo = '${conninfo}'\n`,
      );
    } else {
      await lowLevelBaseBackup(scram, standby, ws.account, { major, conninfo });
    }
    await ws.start(standby);
    await waitForStandby(standby);

    const target = (port: number): PgTarget => ({ host: HOST, port });
    return {
      targets: {
        scram: target(scram.port),
        tls: target(tls.port),
        replica: target(replica.port),
        standby: target(standby.port),
        silent: target(fakeSilent.port),
        closed: target(closedPort),
        notPostgres: target(fakeNotPostgres.port),
        badTls: target(fakeBadTls.port),
      },
      stop: ws.stop,
    };
  } catch (error) {
    return ws.failed(error);
  }
}

/** A role whose password is stored as MD5, as PostgreSQL 10 to 13 store them by default. */
export const MD5_ROLE = 'app_md5';

export interface ServerOf {
  /** The major version of the binaries, from `postgres --version`. */
  major: number;
  primary: PgTarget;
  /** Streaming hot standby of `primary`, when asked for. */
  standby: PgTarget | undefined;
}

/**
 * One server from the given binaries (any major from 10 on): scram-sha-256 on every TCP line with or
 * without TLS (ssl on, self-signed), wal_level=logical, the roles, appdb and grants of the other
 * targets, and MD5_ROLE (md5 over plain TCP, with app_full's read grants). With `standby`, a
 * streaming hot standby of it from a low-level base backup (no pg_basebackup of that major needed).
 */
export async function startServerOf(
  bin: Binaries,
  options: { standby?: boolean } = {},
): Promise<{ server: ServerOf; stop: () => Promise<void> }> {
  const ws = await clusterWorkspace(bin, 30);
  try {
    const major = await serverMajor(bin.postgres);
    const [primaryPort, standbyPort] = (await freePorts(2)) as [number, number];
    const primary = ws.server(`pg${major}`, primaryPort);
    await ws.initPrimary(
      primary,
      [`host all ${MD5_ROLE} ${HOST}/32 md5`, ...HBA_SCRAM],
      {
        wal_level: 'logical',
        ssl: 'on',
        ssl_cert_file: `'server.crt'`,
        ssl_key_file: `'server.key'`,
        // 10 to 13 store new passwords as md5 by default; the roles here are SCRAM unless they say so.
        password_encryption: `'scram-sha-256'`,
        full_page_writes: 'off',
        ...REPLICATION_SETTINGS,
      },
      () => ws.makeCertificate(primary),
    );
    await setupRolesAndDatabases(primary.port, false);
    await withClient(superuserConfig(primary.port, 'postgres', false), (client) =>
      client.query(`
        SET password_encryption = 'md5';
        CREATE ROLE ${MD5_ROLE} LOGIN PASSWORD '${ROLES.app_md5.password}';
        GRANT CONNECT ON DATABASE appdb TO ${MD5_ROLE};`),
    );
    await withClient(superuserConfig(primary.port, 'appdb', false), (client) =>
      client.query(`GRANT USAGE ON SCHEMA sales TO ${MD5_ROLE};
                    GRANT SELECT ON ALL TABLES IN SCHEMA sales TO ${MD5_ROLE};`),
    );
    let standby: PgTarget | undefined;
    if (options.standby) {
      const server = ws.server(`pg${major}-standby`, standbyPort);
      await lowLevelBaseBackup(primary, server, ws.account, {
        major,
        conninfo: standbyConninfo(primary.port),
      });
      await ws.start(server);
      await waitForStandby(server);
      standby = { host: HOST, port: server.port };
    }
    return { server: { major, primary: { host: HOST, port: primary.port }, standby }, stop: ws.stop };
  } catch (error) {
    return ws.failed(error);
  }
}

/** The major version of the embedded server (`postgres --version`: "postgres (PostgreSQL) 18.4"). */
async function serverMajor(postgres: string): Promise<number> {
  const version = await runPg(postgres, ['--version'], os.tmpdir());
  const major = /\(PostgreSQL\) (\d+)/.exec(version)?.[1];
  if (!major) throw new Error(`pg-targets: cannot read the version of ${postgres}: ${version}`);
  return Number(major);
}

/**
 * A pg_basebackup of this machine that can copy a server of version `major`: on PATH or in
 * /usr/lib/postgresql/<version>/bin, the newest first. pg_basebackup refuses servers newer than itself
 * ("incompatible server version"), so an older one counts as none. The embedded package has none.
 */
async function systemBaseBackup(major: number): Promise<string | undefined> {
  const candidates = (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((entry) => entry.length > 0)
    .map((entry) => path.join(entry, 'pg_basebackup'));
  const versioned = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql') : [];
  candidates.push(
    ...versioned
      .filter((version) => /^\d+$/.test(version))
      .sort((a, b) => Number(b) - Number(a))
      .map((version) => path.join('/usr/lib/postgresql', version, 'bin', 'pg_basebackup')),
  );
  for (const candidate of candidates) {
    if (!existsSync(candidate)) continue;
    const output = await runPg(candidate, ['--version'], os.tmpdir()).catch(() => '');
    const version = Number(/\(PostgreSQL\) (\d+)/.exec(output)?.[1] ?? 0);
    if (version >= major) return candidate;
  }
  return undefined;
}

/** The physical replication slot that keeps the primary's WAL for a standby built without pg_basebackup. */
const STANDBY_SLOT = 'standby';

/**
 * Directories of a data directory whose contents a base backup leaves out (PostgreSQL's "Making a
 * Base Backup Using the Low Level API"): WAL comes from streaming, the rest is rebuilt at start-up.
 */
const EMPTIED = new Set([
  'pg_wal',
  'pg_replslot',
  'pg_dynshmem',
  'pg_notify',
  'pg_serial',
  'pg_snapshots',
  'pg_stat_tmp',
  'pg_subtrans',
]);
const OMITTED = new Set(['postmaster.pid', 'postmaster.opts']);

/**
 * Copies a running cluster's data directory file by file. Files may change or vanish while they are
 * copied (a dropped relation, a temporary file): WAL replay from the backup's start repairs the
 * former, and the latter are not needed.
 */
async function copyDataDirectory(from: string, to: string, top = true): Promise<void> {
  await mkdir(to, { mode: 0o700 });
  const entries = await readdir(from, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  for (const entry of entries) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (top && OMITTED.has(entry.name)) continue;
    if (entry.name.startsWith('pgsql_tmp')) continue;
    if (top && EMPTIED.has(entry.name)) {
      await mkdir(target, { mode: 0o700 });
      continue;
    }
    try {
      if (entry.isDirectory()) await copyDataDirectory(source, target, false);
      else if (entry.isSymbolicLink()) await symlink(await readlink(source), target);
      else await copyFile(source, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

async function chownTree(root: string, account: Account): Promise<void> {
  await chown(root, account.uid, account.gid);
  if (!(await lstat(root)).isDirectory()) return;
  for (const entry of await readdir(root)) await chownTree(path.join(root, entry), account);
}

/**
 * A standby of `primary` without pg_basebackup: a physical slot (so the primary keeps the WAL the
 * standby will stream from), the non-exclusive low-level backup (pg_backup_start/stop from 15,
 * pg_start_backup/pg_stop_backup before), a file copy of the data directory, the backup label, and
 * the standby's settings: standby.signal from 12, recovery.conf (standby_mode) before.
 */
async function lowLevelBaseBackup(
  primary: { port: number; dataDir: string },
  standby: { port: number; dataDir: string },
  account: Account | undefined,
  options: { major: number; conninfo: string },
): Promise<void> {
  const standbyDir = standby.dataDir;
  const [backupStart, backupStop] =
    options.major >= 15
      ? ['pg_backup_start($1, true)', 'pg_backup_stop(false)']
      : ['pg_start_backup($1, true, false)', 'pg_stop_backup(false, false)'];
  await withClient(superuserConfig(primary.port, 'postgres', false), async (client) => {
    await client.query('SELECT pg_create_physical_replication_slot($1, true)', [STANDBY_SLOT]);
    // The backup lasts as long as this session: the stop must run on it.
    await client.query(`SELECT ${backupStart}`, ['pg-targets standby']);
    let label: { labelfile: string; spcmapfile: string | null } | undefined;
    try {
      await copyDataDirectory(primary.dataDir, standbyDir);
    } finally {
      const { rows } = await client.query<{ labelfile: string; spcmapfile: string | null }>(
        `SELECT labelfile, spcmapfile FROM ${backupStop}`,
      );
      label = rows[0];
    }
    if (!label) throw new Error('pg-targets: the backup stop returned nothing');
    await writeFile(path.join(standbyDir, 'backup_label'), label.labelfile);
    if (label.spcmapfile) await writeFile(path.join(standbyDir, 'tablespace_map'), label.spcmapfile);
  });
  const replication = `primary_conninfo = '${options.conninfo}'\nprimary_slot_name = '${STANDBY_SLOT}'\n`;
  if (options.major >= 12) {
    await writeFile(path.join(standbyDir, 'standby.signal'), '');
    await appendFile(
      path.join(standbyDir, 'postgresql.auto.conf'),
      `\n# pg-targets\nport = ${standby.port}\n${replication}`,
    );
  } else {
    // 10 and 11 refuse the replication settings in postgresql.conf.
    await writeFile(path.join(standbyDir, 'recovery.conf'), `standby_mode = 'on'\n${replication}`);
    await appendFile(
      path.join(standbyDir, 'postgresql.auto.conf'),
      `\n# pg-targets\nport = ${standby.port}\n`,
    );
  }
  if (account) await chownTree(standbyDir, account);
}

/** Like Promise.all, but waits for every promise to settle before rejecting with the first failure. */
async function settleAll(promises: Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(promises);
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) throw failure.reason;
}

/**
 * Resolves once `file` contains `text`: a server's own log says when something happened, and the
 * watcher wakes on each write to it. Rejects after `ms` with the log's last lines.
 */
async function untilLogged(file: string, text: string, ms: number): Promise<void> {
  const has = async () => (await readFile(file, 'utf8').catch(() => '')).includes(text);
  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      const look = () => has().then((found) => found && resolve(), reject);
      // Watching first, then looking once: a line written in between still wakes the watcher.
      watcher = watch(file, () => void look());
      timer = setTimeout(
        () =>
          void tail(file).then((last) =>
            reject(new Error(`"${text}" not in ${file} after ${ms} ms:\n${last}`)),
          ),
        ms,
      );
      void look();
    });
  } finally {
    watcher?.close();
    clearTimeout(timer);
  }
}

/**
 * Waits until the standby streams from the primary: its WAL receiver logs "started streaming WAL from
 * primary" (every major from 10 on) once it does. Then checks once that it is in recovery, has the
 * roles and appdb, and that its receiver says streaming.
 */
async function waitForStandby(standby: PgServer): Promise<void> {
  await untilLogged(standby.logFile, 'started streaming WAL from primary', 30_000);
  const state = await withClient(superuserConfig(standby.port, 'postgres', false), async (client) => {
    const result = await client.query<{
      recovery: boolean;
      roles: boolean;
      appdb: boolean;
      streaming: boolean;
    }>(
      `SELECT pg_is_in_recovery() AS recovery,
              EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hba_rejected') AS roles,
              EXISTS (SELECT 1 FROM pg_database WHERE datname = 'appdb') AS appdb,
              EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') AS streaming`,
    );
    return result.rows[0];
  });
  if (!(state?.recovery && state.roles && state.appdb && state.streaming))
    throw new Error(`standby ${standby.name} not ready: ${JSON.stringify(state)}`);
}
