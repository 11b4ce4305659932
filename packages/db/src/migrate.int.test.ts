import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createPgliteTestDatabase, createTestDatabase } from './testing.js';
import { readFileSync } from 'node:fs';
import { migrate, migrationsFolder } from './migrate.js';

const tablesQuery = sql`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`;

describe('migrations', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it('bring a PostgreSQL server and PGlite to the same tables, and re-running them changes nothing', async () => {
    const server = await createTestDatabase();
    cleanups.push(() => server.drop());
    const embedded = await createPgliteTestDatabase();
    cleanups.push(() => embedded.close());

    const serverTables = (await server.db.execute(tablesQuery)).rows;
    const embeddedTables = (await embedded.db.execute(tablesQuery)).rows;
    expect(serverTables.map((r) => r.table_name)).toContain('dead_letters');
    expect(embeddedTables).toEqual(serverTables);

    await migrate(server);
    await migrate(embedded);
    expect((await server.db.execute(tablesQuery)).rows).toEqual(serverTables);
  });

  it('run safely from several connections at once', async () => {
    const first = await createTestDatabase();
    cleanups.push(() => first.drop());
    const { openDatabase } = await import('./client.js');
    const others = await Promise.all([1, 2, 3].map(() => openDatabase({ url: first.url })));
    await Promise.all(others.map((h) => migrate(h)));
    await Promise.all(others.map((h) => h.close()));
    const count = await first.db.execute(sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`);
    const journal = JSON.parse(readFileSync(`${migrationsFolder}/meta/_journal.json`, 'utf8')) as { entries: unknown[] };
    // Each migration applied exactly once although four connections raced to apply them.
    expect(count.rows[0]?.n).toBe(journal.entries.length);
  });
});
