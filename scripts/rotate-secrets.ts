// `npm run secrets:rotate`: re-encrypts every stored password under SECRET_KEY (the new key), opening
// the old ones with SECRET_KEYS_PREVIOUS. Configured like the service (DATABASE_URL, …), safe while it
// runs, resumable after Ctrl-C. Exit 0: done; 1: some rows could not be decrypted (listed by id);
// 130: interrupted (run it again to continue).
import { ConfigError, loadConfig } from '../src/config.js';
import { openMetadataStore } from '../src/lib/db.js';
import { metadataStoreFor } from '../src/lib/embedded-postgres.js';
import { rotateSecrets } from '../src/operations/rotate-secrets.js';
import { createSecretBox, parseKey } from '../src/secrets/secret-box.js';

let config;
try {
  config = loadConfig();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : String(error));
  process.exit(1);
}
if (!config.secretKey) {
  // Without it the service would fall back to the development key file; a rotation must name its key.
  console.error('SECRET_KEY must be set to the new key (and SECRET_KEYS_PREVIOUS to the old ones).');
  process.exit(1);
}
const secrets = createSecretBox(
  parseKey(config.secretKey, 'SECRET_KEY'),
  config.previousSecretKeys.map((key, i) => parseKey(key, `SECRET_KEYS_PREVIOUS[${i}]`)),
);

const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log(`${signal}: stopping after the current batch`);
    stop.abort();
  });
}

const location = await metadataStoreFor(config, (notice) => console.log(notice));
const store = openMetadataStore(location.url, { max: 2 });
try {
  console.log(`rotating stored passwords to key ${secrets.currentKeyId}`);
  const report = await rotateSecrets({
    pool: store.pool,
    secrets,
    signal: stop.signal,
    onProgress: ({ reEncrypted, total }) => console.log(`re-encrypted ${reEncrypted}/${total}`),
  });
  for (const { table, id } of report.unreadable) {
    console.error(`cannot decrypt ${table} ${id}: no configured key opens it`);
  }
  console.log(
    `done: ${report.reEncrypted} re-encrypted, ${report.changedMeanwhile} changed meanwhile, ` +
      `${report.unreadable.length} unreadable; ${report.remaining} still use other keys`,
  );
  if (report.interrupted) {
    console.log('interrupted: run it again to continue where it stopped');
    process.exitCode = 130;
  } else if (report.unreadable.length > 0) {
    process.exitCode = 1;
  } else if (report.remaining === 0) {
    console.log('every stored password uses the current key: the previous keys can be dropped');
  } else {
    // Written meanwhile by a process that still seals with an old key: deploy the new key, run again.
    console.log('some passwords were written with an old key meanwhile: run it again');
  }
} catch (error) {
  console.error(`rotation failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await store.close();
  await location.close();
}
