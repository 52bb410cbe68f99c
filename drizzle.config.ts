import { defineConfig } from 'drizzle-kit';

// Only `db:generate` uses this file; migrations are applied by src/lib/migrate.ts.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema/index.ts',
  out: './drizzle',
});
