import v8 from 'node:v8';
import { startApp, StartupError, type ProcessRole } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './lib/logger.js';
import { startTracing } from './lib/tracing.js';

const ROLES: readonly ProcessRole[] = ['api', 'worker', 'all'];

// Memory (README, Performance): the service's live heap is about 45 MB, but V8's default lets the old
// generation grow to up to 4× what the last full collection kept before it collects again, so that
// under load the process held some 90 MB of garbage. A fixed 1.5× keeps it near its live size for about
// the same CPU. A `--heap-growing-percent` given to node itself wins.
if (!process.execArgv.some((flag) => flag.startsWith('--heap-growing-percent'))) {
  v8.setFlagsFromString('--heap-growing-percent=50');
}

/** The composition root: config, the roles asked for, and the process lifecycle (signals, exit codes). */
async function main(): Promise<void> {
  const role = (process.argv[2] ?? 'all') as ProcessRole;
  if (!ROLES.includes(role)) {
    console.error(`Unknown role "${role}": use one of ${ROLES.join(', ')}`);
    process.exit(2);
  }

  let config;
  try {
    config = loadConfig();
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  }
  const logger = createLogger(config.logLevel);
  // Before anything that traces starts; off (the default), nothing is loaded or registered.
  const tracing = await startTracing(config.tracing);
  if (tracing) logger.info({ exporter: config.tracing.exporter }, 'traces exported (OpenTelemetry)');

  const app = await startApp(config, role, logger).catch((error: unknown) => {
    if (error instanceof StartupError) logger.fatal(error.message);
    else logger.fatal({ err: error }, 'start-up failed');
    process.exit(1);
  });
  logger.info({ role, env: config.env }, 'data source service started');
  // A crash ends the process without a stop: the embedded PostgreSQL, if any, must not outlive it.
  process.on('exit', () => app.stopNow());

  let stoppingSince: number | undefined;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stoppingSince !== undefined) {
      // Ctrl-C under `npm start` delivers the signal twice at once (from the terminal to the process
      // group, and forwarded by npm); only a signal sent later is a request to stop right now.
      if (Date.now() - stoppingSince < 1_000) return;
      logger.warn({ signal }, 'second signal: exiting at once');
      process.exit(1);
    }
    stoppingSince = Date.now();
    logger.info({ signal, deadlineMs: config.shutdownTimeoutMs }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error('shutdown deadline passed: exiting with work unfinished');
      process.exit(1);
    }, config.shutdownTimeoutMs + 5_000);
    deadline.unref();
    // Traces stop last, so that the spans of the shutdown are exported too.
    app
      .stop()
      .then(() =>
        tracing
          ?.stop()
          .catch((error: unknown) => logger.warn({ err: error }, 'could not export the last traces')),
      )
      .then(
        () => {
          logger.info('stopped');
          process.exit(0);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'error while stopping');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

void main();
