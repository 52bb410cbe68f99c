import type net from 'node:net';
import type pg from 'pg';
import { openTcp } from '../../postgresql/connect.js';
import { TargetError } from '../../postgresql/errors.js';
import { acceptsOnlyTls, logIn, type Credentials, type LoginLimits } from '../../postgresql/login.js';
import { passed, type CheckResult } from './check.js';

export interface AuthenticateParams extends Credentials {
  host: string;
  port: number;
  /** The address RESOLVE checked. */
  address: string;
  sslMode: string;
}

/**
 * AUTHENTICATE: the login over the stream TLS left. A cleartext password is refused without TLS
 * (postgresql/login.ts); MD5 without TLS is a warning.
 */
export async function checkAuthenticate(
  stream: net.Socket,
  params: AuthenticateParams,
  limits: LoginLimits,
): Promise<CheckResult<pg.Client>> {
  const { address, port } = params;
  const login = await logIn(stream, address, port, params, limits).catch(async (error: unknown) => {
    // 28000 on a plain connection may mean "this server only takes TLS": ask it over TLS, since
    // the error's text is not something to parse.
    if (error instanceof TargetError && error.code === 'HBA_REJECTED' && params.sslMode === 'DISABLE') {
      const onlyTls = await acceptsOnlyTls(address, port, params.host, params, limits, () =>
        openTcp(address, port, limits),
      );
      if (onlyTls) throw new TargetError('TLS_REQUIRED_BY_SERVER');
    }
    throw error;
  });
  // Allowed (old servers and roles still use it), but whoever is on the path got a crackable hash.
  if (login.md5WithoutTls) return { status: 'WARNING', code: 'MD5_AUTH_WITHOUT_TLS', value: login.client };
  return passed(`Logged in to database ${params.databaseName} as ${params.username}.`, login.client);
}
