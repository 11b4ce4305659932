// Shared by the job tests: a fixed moment, a world reset, and a fingerprint of every world table.
import type { Database } from '@bullpen/db';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { generateWorld, type GenerateWorldOptions } from '../src/world/generator.js';
import { rowsOf } from '../src/world/statements.js';

/** A Saturday noon, UTC: the world is generated around it and jobs are "scheduled" at it. */
export const NOW = new Date('2026-11-28T12:00:00.000Z');

export const WORLD_TABLES = [
  'factions', 'territories', 'characters', 'properties', 'workers', 'inventories', 'auctions', 'bids', 'trades',
  'price_buckets', 'tax_bills', 'gossip', 'gossip_knowers', 'wars', 'bounties', 'world_events', 'notifications',
  'leaderboard', 'gold_accounts', 'wage_payments', 'territory_payouts', 'period_ledger', 'outbox',
] as const;

export const silentLog = pino({ level: 'silent' });

/** Empties every world table and generates a fresh world (the database itself stays, one per file). */
export async function resetWorld(db: Database, options: Partial<GenerateWorldOptions> = {}): Promise<void> {
  await db.execute(sql.raw(`TRUNCATE ${WORLD_TABLES.join(', ')} RESTART IDENTITY CASCADE`));
  await generateWorld(db, { seed: 42, now: NOW, ...options });
}

/** One md5 per world table over all its rows: equal fingerprints, equal worlds. */
export async function fingerprint(db: Database): Promise<Record<string, string>> {
  const parts = WORLD_TABLES.map(
    (table) => sql`SELECT ${table} AS name, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS hash FROM ${sql.identifier(table)} t`,
  );
  const rows = await rowsOf<{ name: string; hash: string }>(db, sql.join(parts, sql` UNION ALL `));
  return Object.fromEntries(rows.map((r) => [r.name, r.hash]));
}

/** The one number a test wants from a query: `SELECT … AS n`. */
export async function scalar(db: Database, query: ReturnType<typeof sql>): Promise<number> {
  const rows = await rowsOf<{ n: unknown }>(db, query);
  return Number(rows[0]?.n ?? 0);
}

/** Takes all gold from the characters matching `where` (back to the mint, so the ledger still balances). */
export async function bankrupt(db: Database, where: ReturnType<typeof sql>): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`UPDATE gold_accounts SET balance = balance + (SELECT coalesce(sum(gold), 0) FROM characters WHERE ${where}) WHERE account = 'mint'`);
    await tx.execute(sql`UPDATE characters SET gold = 0 WHERE ${where}`);
  });
}
