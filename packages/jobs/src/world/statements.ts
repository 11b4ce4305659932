import { rowsOf, type Database, type Executor } from '@bullpen/db';
import type { SQL } from 'drizzle-orm';

export { rowsOf, type Executor };

/** An open transaction, as drizzle hands it to `db.transaction(async (tx) => …)`. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/**
 * Runs a statement that returns one row of counts (set-based statements end in `SELECT count(*) …`),
 * turning every value into a number: the PostgreSQL driver returns bigints as strings, PGlite as numbers.
 */
export async function countsOf<K extends string>(db: Executor, query: SQL): Promise<Record<K, number>> {
  const row = (await rowsOf(db, query))[0] ?? {};
  const counts: Record<string, number> = {};
  for (const [key, value] of Object.entries(row)) counts[key] = value === null || value === undefined ? 0 : Number(value);
  return counts as Record<K, number>;
}

/** Like countsOf, for a statement returning a json array of ids in column `ids` next to its counts. */
export async function idsAndCounts<K extends string>(db: Executor, query: SQL): Promise<{ ids: number[]; counts: Record<K, number> }> {
  const row = (await rowsOf(db, query))[0] ?? {};
  const raw = typeof row.ids === 'string' ? (JSON.parse(row.ids) as unknown) : row.ids;
  const ids = Array.isArray(raw) ? raw.map(Number) : [];
  const counts: Record<string, number> = {};
  for (const [key, value] of Object.entries(row)) {
    if (key !== 'ids') counts[key] = value === null || value === undefined ? 0 : Number(value);
  }
  return { ids, counts: counts as Record<K, number> };
}
