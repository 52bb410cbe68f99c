// How values read in the console.

const ATTRIBUTES: Record<string, string> = {
  PRIMARY: 'Primary Database',
  PRIMARY_STANDBY: 'Primary Database + Standby Database',
  STANDBY: 'Standby Database',
};
export const attributeLabel = (value: string) => ATTRIBUTES[value] ?? value;

const TYPES: Record<string, string> = { POSTGRESQL: 'PostgreSQL' };
export const typeLabel = (value: string) => TYPES[value] ?? value;

const SSL: Record<string, string> = {
  DISABLE: 'Disable',
  PREFER: 'Prefer',
  REQUIRE: 'Require',
  VERIFY_CA: 'Verify CA',
  VERIFY_FULL: 'Verify full',
};
export const sslLabel = (value: string) => SSL[value] ?? value;

export const endpoint = (host: string, port: number) =>
  host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const seconds = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  return dateTime(iso);
}

export const lag = (seconds: number | null | undefined) =>
  seconds === null || seconds === undefined
    ? ''
    : `${seconds < 10 ? seconds.toFixed(2) : Math.round(seconds)} s`;
