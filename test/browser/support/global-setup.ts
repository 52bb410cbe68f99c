import { build } from 'vite';
import { CONSOLE_ROOT } from '../../../src/api/console.js';

/**
 * The browser tests serve the console from dist/web as `npm start` does: build it now, so they never
 * test a stale bundle (Vite alone, about a second; codegen and the console's typecheck belong to
 * `npm run build` and `npm run typecheck`).
 */
export default async function setup() {
  await build({ configFile: 'web/vite.config.ts', logLevel: 'warn' });
  console.log(`console built into ${CONSOLE_ROOT}`);
}
