import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type DatabaseHandle, type DatabaseOptions } from './client.js';
import { migrate } from './migrate.js';

/** The server tests create their databases on. CI and this machine: trust auth on 127.0.0.1. */
export const testServerUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase extends DatabaseHandle {
  /** URL of this test's own database, to hand to child processes. */
  url: string;
  name: string;
  /** Closes the handle and drops the database (forcing out any child process still connected). */
  drop(): Promise<void>;
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: testServerUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated database on the PostgreSQL server, owned by one test file. */
export async function createTestDatabase(
  options: Omit<DatabaseOptions, 'url' | 'dataDir'> = {},
): Promise<TestDatabase> {
  const name = `bullpen_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(testServerUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ ...options, url: url.toString() });
  await migrate(handle);
  let dropped = false;
  return {
    ...handle,
    url: url.toString(),
    name,
    async drop() {
      if (dropped) return;
      dropped = true;
      await handle.close();
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** A fresh, migrated in-memory PGlite database: the embedded path. */
export async function createPgliteTestDatabase(
  options: Omit<DatabaseOptions, 'url' | 'dataDir'> = {},
): Promise<DatabaseHandle> {
  const handle = await openDatabase({ ...options, dataDir: 'memory://' });
  await migrate(handle);
  return handle;
}
