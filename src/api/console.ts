import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { type RequestHandler, type Router } from 'express';

/**
 * The console (web/, built by `npm run build` into dist/web) served at `/`, with the headers a page
 * holding an API token needs. The API keeps its own paths; anything else a browser navigates to gets
 * the console's index.html, whose router shows the page for that path.
 */

/** dist/web, from src/api (tests, tsx) and from dist/api (npm start) alike. */
export const CONSOLE_ROOT = fileURLToPath(new URL('../../dist/web/', import.meta.url));

/** Paths the console never answers: the API's and the operators'. */
const NOT_CONSOLE = /^\/(graphql|admin|healthz|readyz|metrics)(\/|$)/;

/**
 * No script but the console's own files (no inline script, no eval), no framing, nothing sent
 * anywhere but this origin (`connect-src 'self'` covers the WebSocket on the same host and port).
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Bull Board's page has inline styles (not scripts) and asks for a web font; its scripts are its own
 * files, so scripts are held to the same rule as the console's.
 */
const BULL_BOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline' https://fonts.googleapis.com",
  "font-src 'self' https://fonts.gstatic.com",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

const securityHeaders =
  (csp: string): RequestHandler =>
  (_req, res, next) => {
    res.setHeader('content-security-policy', csp);
    res.setHeader('x-frame-options', 'DENY');
    res.setHeader('x-content-type-options', 'nosniff');
    // No page address (which holds nothing secret, but still) leaves for another site.
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('cross-origin-opener-policy', 'same-origin');
    res.setHeader('cross-origin-resource-policy', 'same-origin');
    res.setHeader('permissions-policy', 'camera=(), microphone=(), geolocation=(), payment=()');
    next();
  };

/** The security headers of Bull Board's pages. */
export const bullBoardHeaders = securityHeaders(BULL_BOARD_CSP);

export function consoleRouter(root = CONSOLE_ROOT): Router {
  const router = express.Router();
  const index = `${root}index.html`;
  router.use((req, res, next) => {
    if (NOT_CONSOLE.test(req.path)) return next();
    return securityHeaders(CONSOLE_CSP)(req, res, next);
  });
  router.use(
    express.static(root, {
      index: false,
      fallthrough: true,
      // File names under assets/ carry a content hash: cached for good. Everything else revalidates.
      setHeaders: (res, path) => {
        res.setHeader(
          'cache-control',
          path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    }),
  );
  router.get(/.*/, (req, res, next) => {
    if (NOT_CONSOLE.test(req.path) || req.path.startsWith('/assets/')) return next();
    if (!req.accepts('html')) return next();
    res.setHeader('cache-control', 'no-cache');
    if (!existsSync(index)) {
      res
        .status(503)
        .type('text/plain')
        .send('The console is not built: run `npm run build` (or `npm run build:web`), then reload.');
      return;
    }
    res.sendFile(index);
  });
  return router;
}
