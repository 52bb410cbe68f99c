import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { GraphQLError } from 'graphql';
import type { Principal } from '../config.js';
import type { Logger } from '../lib/logger.js';
import { defineTopic, type EventBus } from '../lib/pubsub.js';
import type { SessionRevocations } from '../operations/session-revocations.js';
import { authenticate } from './auth.js';
import { loopbackHost } from './open-mode.js';

/**
 * The console's session cookie, for the one page a browser opens without a way to send a header:
 * Bull Board (/admin/queues). The console itself sends its token as a bearer header; signing in to it
 * also asks for this cookie, so an admin's click on "Bull Board" works.
 *
 * The cookie is `<payload>.<mac>`: the payload names the session (a random id), the token's name and
 * the expiry; the MAC is keyed by a key derived from that token, so every API process can check a
 * cookie from configuration alone, and removing or rotating a token ends its sessions. Signing out
 * revokes the session on every API process (over the event bus) and in the metadata store (for the
 * processes started later), and the cookie is cleared.
 *
 * HttpOnly (no script reads it), SameSite=Strict (no cross-site request carries it), Secure unless the
 * console is reached as localhost, Path=/admin (Bull Board and this endpoint only), 8 hours at most.
 * GET on the endpoint says whether signing in is needed; POST signs in; DELETE signs out.
 * State-changing requests that rely on it must also come from this origin (sameOrigin below).
 */

export const SESSION_COOKIE = 'dss_admin_session';
export const SESSION_PATH = '/admin';
export const SESSION_ROUTE = '/admin/session';
export const SESSION_TTL_SECONDS = 8 * 60 * 60;

interface SessionPayload {
  /** The session's id: what signing out revokes. */
  sid: string;
  /** The name of the token it was opened with. */
  name: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

const revokedTopic = defineTopic<{ sid: string; exp: number }, { sid: string; exp: number }>(
  'console-session-revoked',
  { encode: (value) => value, decode: (wire) => wire },
);

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

/** What a session's MAC is keyed with: derived from the token, never the token itself. */
const keyOf = (token: string) => createHmac('sha256', token).update('dss console session v1').digest();
const macOf = (token: string, payload: string) => createHmac('sha256', keyOf(token)).update(payload).digest();

export interface Sessions {
  /** POST (open a session for the bearer token) and DELETE (sign out) on SESSION_ROUTE. */
  router: Router;
  /**
   * The principal of the request's session cookie, or undefined when it has none that is valid and
   * unrevoked. An unsafe method (POST, PUT, …) counts only when it comes from this origin.
   */
  principalOf(req: Request): Principal | undefined;
  close(): Promise<void>;
}

/** The Cookie header's value of `name`, if any. */
function cookieOf(req: Request, name: string): string | undefined {
  for (const part of (req.header('cookie') ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether a request comes from a page of this origin. Browsers send Origin on every request that can
 * change state, and Sec-Fetch-Site when they know it; a request with neither is not trusted with a
 * cookie (a script or server holding a stolen cookie can send a bearer token instead).
 */
export function sameOrigin(req: Request): boolean {
  const site = req.header('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin') return false;
  const origin = req.header('origin');
  const host = req.header('host');
  if (origin === undefined || host === undefined) return site === 'same-origin';
  try {
    const from = new URL(origin);
    return new URL(`${from.protocol}//${host}`).host === from.host;
  } catch {
    return false;
  }
}

export async function createSessions(options: {
  tokens: ReadonlyMap<string, Principal>;
  events: EventBus;
  revocations: SessionRevocations;
  logger: Logger;
}): Promise<Sessions> {
  const { tokens, events, revocations: stored, logger } = options;
  /** sid → expiry: revoked sessions, forgotten once they would have expired anyway. */
  const revoked = new Map<string, number>();
  const revoke = (sid: string, exp: number) => {
    revoked.set(sid, exp);
    const at = now();
    for (const [id, expiry] of revoked) if (expiry < at) revoked.delete(id);
  };
  // Revocations from every API process (this one's included).
  const revocations = events.subscribe(revokedTopic);
  const listening = (async () => {
    for await (const { sid, exp } of revocations) revoke(sid, exp);
  })().catch((error: unknown) => logger.warn({ err: error }, 'session revocations no longer received'));
  // Then the sign-outs from before this process started (listening first, so that none falls between).
  await events.subscribed();
  for (const { sid, exp } of await stored.current()) revoke(sid, exp);

  const tokenNamed = (name: string) => {
    for (const [token, principal] of tokens) if (principal.name === name) return { token, principal };
    return undefined;
  };

  const issue = (token: string, principal: Principal): { value: string; exp: number } => {
    const payload: SessionPayload = {
      sid: randomBytes(18).toString('base64url'),
      name: principal.name,
      exp: now() + SESSION_TTL_SECONDS,
    };
    const encoded = base64url(JSON.stringify(payload));
    return { value: `${encoded}.${base64url(macOf(token, encoded))}`, exp: payload.exp };
  };

  /** The session a cookie value carries, checked: MAC, expiry, revocation; undefined otherwise. */
  const verify = (value: string | undefined) => {
    if (!value) return undefined;
    const [encoded = '', mac = '', ...rest] = value.split('.');
    if (rest.length > 0 || encoded.length === 0 || encoded.length > 512) return undefined;
    let payload: SessionPayload;
    try {
      payload = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as SessionPayload;
    } catch {
      return undefined;
    }
    if (
      typeof payload.sid !== 'string' ||
      typeof payload.name !== 'string' ||
      typeof payload.exp !== 'number'
    )
      return undefined;
    const owner = tokenNamed(payload.name);
    if (!owner) return undefined;
    const expected = macOf(owner.token, encoded);
    const presented = Buffer.from(mac, 'base64url');
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return undefined;
    if (payload.exp <= now() || revoked.has(payload.sid)) return undefined;
    return { payload, principal: owner.principal };
  };

  const cookie = (req: Request, value: string, maxAgeSeconds: number) => {
    const attributes = [
      `${SESSION_COOKIE}=${value}`,
      `Path=${SESSION_PATH}`,
      `Max-Age=${maxAgeSeconds}`,
      'HttpOnly',
      'SameSite=Strict',
    ];
    // Browsers keep Secure cookies only from https, except for localhost: a console served from any
    // other name must be behind TLS.
    if (!loopbackHost(req.header('host'))) attributes.push('Secure');
    return attributes.join('; ');
  };

  /**
   * Ends the session of the request's cookie everywhere, if it has a valid one: at once in the running
   * processes, and for good once the metadata store has it (false when it could not be stored).
   */
  const endSessionOf = async (req: Request): Promise<boolean> => {
    const session = verify(cookieOf(req, SESSION_COOKIE));
    if (!session) return true;
    const { sid, exp } = session.payload;
    revoke(sid, exp);
    events.publish(revokedTopic, sid, { sid, exp });
    try {
      await stored.add({ sid, exp });
      return true;
    } catch (error) {
      logger.error({ err: error }, 'a signed-out console session could not be stored as revoked');
      return false;
    }
  };

  const unauthenticated = (res: Response, error: unknown) =>
    res.status(401).json({
      code: 'UNAUTHENTICATED',
      message: error instanceof GraphQLError ? error.message : 'Unauthenticated',
    });

  const router = express.Router();
  router.use(SESSION_ROUTE, (_req, res, next) => {
    res.setHeader('cache-control', 'no-store');
    next();
  });
  // Whether signing in is needed at all (no tokens configured: the API is open).
  router.get(SESSION_ROUTE, (_req, res) => {
    res.json({ open: tokens.size === 0 });
  });
  // Sign in: the token comes as a bearer header (never in a URL or a body that might be logged). The
  // answer says who it is; an admin also gets the cookie. No cookie is needed when the API is open.
  router.post(SESSION_ROUTE, async (req, res) => {
    const open = tokens.size === 0;
    let principal: Principal;
    try {
      principal = authenticate(req.header('authorization'), tokens);
    } catch (error) {
      unauthenticated(res, error);
      return;
    }
    // A session this browser held before (another token, or this one) is replaced, not left behind.
    await endSessionOf(req);
    const body = { name: principal.name, role: principal.role, open, bullBoard: principal.role === 'admin' };
    if (open || principal.role !== 'admin') {
      if (!open) res.setHeader('set-cookie', cookie(req, '', 0));
      res.json({ ...body, expiresAt: null });
      return;
    }
    const token = /^Bearer\s+(\S+)\s*$/i.exec(req.header('authorization') ?? '')?.[1] ?? '';
    const session = issue(token, principal);
    res.setHeader('set-cookie', cookie(req, session.value, SESSION_TTL_SECONDS));
    res.json({ ...body, expiresAt: new Date(session.exp * 1000).toISOString() });
  });
  // Sign out: revokes the session (on every API process, and in the metadata store) and clears the cookie.
  router.delete(SESSION_ROUTE, async (req, res) => {
    if (!sameOrigin(req)) {
      res.status(403).json({ code: 'FORBIDDEN', message: 'Cross-site request refused' });
      return;
    }
    const durable = await endSessionOf(req);
    res.setHeader('set-cookie', cookie(req, '', 0));
    if (durable) res.status(204).end();
    // Ended in every running process, but a process started later would still take the cookie.
    else
      res.status(503).json({
        code: 'UNAVAILABLE',
        message:
          'Signed out of the running service, but the sign-out could not be stored: an api process started later would accept this session until it expires.',
      });
  });

  return {
    router,
    principalOf(req) {
      if (!SAFE_METHODS.has(req.method) && !sameOrigin(req)) return undefined;
      return verify(cookieOf(req, SESSION_COOKIE))?.principal;
    },
    async close() {
      await revocations.return?.();
      await listening;
    },
  };
}
