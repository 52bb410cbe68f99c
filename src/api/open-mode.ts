import type express from 'express';
import ipaddr from 'ipaddr.js';
import type { Logger } from '../lib/logger.js';

// Without API_TOKENS anyone who reaches the API acts as an admin (the open development mode). These
// keep such an instance to this machine.

const isLoopback = (host: string) =>
  host === 'localhost' || (ipaddr.isValid(host) && ipaddr.process(host).range() === 'loopback');

/** Where to listen: an open instance serves this machine only, whatever HOST says. */
export function listenHost(host: string, open: boolean, logger: Logger): string {
  if (!open || isLoopback(host)) return host;
  logger.warn(
    { host, listening: '127.0.0.1' },
    'API_TOKENS is not set, so the API is open to whoever reaches it: listening on 127.0.0.1 only, not on HOST. To serve other machines, set API_TOKENS.',
  );
  return '127.0.0.1';
}

/**
 * Whether a request's Host header names this machine. Listening on loopback is not enough against a
 * web page that rebinds its own name to 127.0.0.1 (DNS rebinding): the browser then sends the page's
 * name as Host, which an open instance refuses.
 */
export function loopbackHost(hostHeader: string | undefined): boolean {
  if (hostHeader === undefined) return false;
  try {
    const { hostname } = new URL(`http://${hostHeader}`);
    return isLoopback(hostname.replace(/^\[(.*)\]$/, '$1'));
  } catch {
    return false;
  }
}

/** Express middleware refusing, on an open instance, requests addressed to a name other than this machine's. */
export function refuseForeignHosts(): express.RequestHandler {
  return (req, res, next) => {
    if (loopbackHost(req.headers.host)) return next();
    res.status(403).json({
      errors: [
        {
          message:
            'This open development instance answers only requests addressed to localhost; set API_TOKENS to serve other names',
          extensions: { code: 'FORBIDDEN' },
        },
      ],
    });
  };
}
