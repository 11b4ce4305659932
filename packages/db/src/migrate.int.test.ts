import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createPgliteTestDatabase, createTestDatabase } from './testing.js';
import { readFileSync } from 'node:fs';
import { rowsOf } from './client.js';
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

    const serverTables = await rowsOf<{ table_name: string }>(server.db, tablesQuery);
    const embeddedTables = await rowsOf<{ table_name: string }>(embedded.db, tablesQuery);
    expect(serverTables.map((r) => r.table_name)).toEqual(expect.arrayContaining(['dead_letters', 'outbox', 'tax_bills', 'audit_log', 'alert_rules', 'alert_channels', 'alert_incidents', 'alert_notifications', 'alert_deliveries']));
    expect(embeddedTables).toEqual(serverTables);

    await migrate(server);
    await migrate(embedded);
    expect(await rowsOf(server.db, tablesQuery)).toEqual(serverTables);
  });

  it('run safely from several connections at once', async () => {
    const first = await createTestDatabase();
    cleanups.push(() => first.drop());
    const { openDatabase } = await import('./client.js');
    const others = await Promise.all([1, 2, 3].map(() => openDatabase({ url: first.url })));
    await Promise.all(others.map((h) => migrate(h)));
    await Promise.all(others.map((h) => h.close()));
    const [count] = await rowsOf<{ n: number }>(first.db, sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`);
    const journal = JSON.parse(readFileSync(`${migrationsFolder}/meta/_journal.json`, 'utf8')) as { entries: unknown[] };
    // Each migration applied exactly once although four connections raced to apply them.
    expect(count?.n).toBe(journal.entries.length);
  });
});
