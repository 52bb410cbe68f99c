import type { AddressInfo } from 'node:net';
import express, { type Router } from 'express';
import type { Metrics } from '../lib/metrics.js';

const ROUTES = new Set(['/graphql', '/healthz', '/readyz', '/metrics']);

/** Times every HTTP request; routes outside the known few count as "other" to bound the series. */
export function httpTiming(metrics: Metrics): express.RequestHandler {
  return (req, res, next) => {
    const stop = metrics.httpDuration.startTimer({ method: req.method });
    res.on('finish', () => {
      // Routers mounted under a path rewrite req.path; the original URL keeps all of it.
      const path = req.originalUrl.split('?')[0] ?? '';
      const route = ROUTES.has(path) ? path : path.startsWith('/admin/queues') ? '/admin/queues' : 'other';
      stop({ route, status: String(res.statusCode) });
    });
    next();
  };
}

/** /healthz (the process lives), /readyz (metadata store and Redis answer), /metrics (Prometheus). */
export function opsRouter(metrics: Metrics, ready: () => Promise<boolean>): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const ok = await ready().catch(() => false);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'unavailable' });
  });
  router.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}

/** The ops endpoints alone, for a process that serves no API (role worker). */
export async function startOpsServer(
  metrics: Metrics,
  ready: () => Promise<boolean>,
  host: string,
  port: number,
): Promise<{ url: string; stop(): Promise<void> }> {
  const app = express();
  app.disable('x-powered-by');
  app.use(httpTiming(metrics), opsRouter(metrics, ready));
  const server = app.listen(port, host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host === '0.0.0.0' ? 'localhost' : host}:${address.port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
