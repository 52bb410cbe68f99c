// `npm run db:migrate`: creates the metadata database if missing and applies drizzle/ migrations (and
// BullMQ's, for the PostgreSQL transport). Without DATABASE_URL: the embedded PostgreSQL under DATA_DIR.
import { loadConfig } from '../src/config.js';
import { ensureDatabase, migrateDatabase } from '../src/lib/db.js';
import { metadataStoreFor } from '../src/lib/embedded-postgres.js';
import { migrateQueueSchema } from '../src/lib/queues.js';

const config = loadConfig();
const store = await metadataStoreFor(config, (notice) => console.log(notice));
try {
  await ensureDatabase(store.url);
  await migrateDatabase(store.url);
  if (config.queueTransport === 'postgres') await migrateQueueSchema(store.url);
  console.log('migrations applied');
} finally {
  await store.close();
}
