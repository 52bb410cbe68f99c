// `npm run dev`: the service with reload on change (tsx watch, as `npm run dev:api`) and the console
// with hot reload (Vite, as `npm run dev:web`) on http://localhost:5173, proxying the API. Against an
// API that already runs elsewhere, run `npm run dev:web` alone (DSS_API_URL, default localhost:4000).
import { spawn } from 'node:child_process';

const children = [
  spawn('npm', ['run', 'dev:api'], { stdio: 'inherit' }),
  spawn('npm', ['run', 'dev:web'], { stdio: 'inherit' }),
];
const stop = (signal: NodeJS.Signals) => {
  for (const child of children) if (child.exitCode === null) child.kill(signal);
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
for (const child of children) {
  child.on('exit', (code) => {
    stop('SIGTERM');
    process.exitCode = code ?? 1;
  });
}
