import { createHash, timingSafeEqual } from 'node:crypto';
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

export interface OpsOptions {
  /** Whether the metadata store and Redis answer (/readyz). */
  ready: () => Promise<boolean>;
  /** Served at /metrics when given (the API port leaves it to OPS_PORT when that is set). */
  metrics?: Metrics;
  /** When set, /metrics needs `Authorization: Bearer <token>` (METRICS_TOKEN). */
  metricsToken?: string;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** /healthz (the process lives), /readyz (metadata store and Redis answer), /metrics (Prometheus). */
export function opsRouter({ ready, metrics, metricsToken }: OpsOptions): Router {
  const router = express.Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const ok = await ready().catch(() => false);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'unavailable' });
  });
  if (!metrics) return router;
  router.get('/metrics', async (req, res) => {
    if (metricsToken !== undefined) {
      const presented = /^Bearer\s+(\S+)\s*$/i.exec(req.header('authorization') ?? '')?.[1] ?? '';
      if (!timingSafeEqual(digest(presented), digest(metricsToken))) {
        res.status(401).set('www-authenticate', 'Bearer').json({ code: 'UNAUTHENTICATED' });
        return;
      }
    }
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}

/** The ops endpoints alone: on OPS_PORT, or for a process that serves no API (role worker). */
export async function startOpsServer(
  options: OpsOptions & { metrics: Metrics },
  host: string,
  port: number,
): Promise<{ url: string; stop(): Promise<void> }> {
  const app = express();
  app.disable('x-powered-by');
  app.use(httpTiming(options.metrics), opsRouter(options));
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
