// `npm run db:migrate`: creates the metadata database if missing and applies drizzle/ migrations.
import { loadConfig } from '../src/config.js';
import { ensureDatabase, migrateDatabase } from '../src/lib/db.js';

const config = loadConfig();
await ensureDatabase(config.databaseUrl);
await migrateDatabase(config.databaseUrl);
console.log('migrations applied');
