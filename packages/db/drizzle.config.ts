import { defineConfig } from 'drizzle-kit';

// `npm run generate -w @bullpen/db` turns changes in src/schema into a new versioned SQL migration
// under drizzle/. Migrations run on both PostgreSQL servers and PGlite, so keep them plain SQL.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema/index.ts',
  out: './drizzle',
});
