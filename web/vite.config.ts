import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run build:web` writes the console to dist/web, which the service serves at `/`.
// `npm run dev:web` serves it with hot reload on :5173 against a running API (DSS_API_URL, by default
// the `npm start` one), proxying the API's paths so that the console stays same-origin: the
// WebSocket's Origin then matches its Host, as the service requires.
const api = process.env.DSS_API_URL ?? 'http://localhost:4000';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // One small bundle; the service's CSP allows no inline script, and Vite emits none.
    modulePreload: { polyfill: false },
  },
  server: {
    port: 5173,
    proxy: {
      '/graphql': { target: api, ws: true },
      '/admin': { target: api },
    },
  },
});
