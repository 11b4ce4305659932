import type { Database } from '@bullpen/db';
import { sql } from 'drizzle-orm';
import { rowsOf } from './statements.js';

/** Where all the world's gold is. `total` is zero whenever nothing was created or lost. */
export interface GoldLedger {
  characters: number;
  /** Bids held in escrow. */
  escrow: number;
  /** Rewards of open bounties. */
  bounties: number;
  treasuries: number;
  /** Fee sink, wage sink and the mint (negative: what it has issued). */
  accounts: number;
  total: number;
}

/** Sums every place gold can be, in one statement (one snapshot). */
export async function checkGoldLedger(db: Database): Promise<GoldLedger> {
  const rows = await rowsOf<Record<keyof GoldLedger, string>>(db, sql`
    SELECT c.v AS characters, e.v AS escrow, b.v AS bounties, f.v AS treasuries, a.v AS accounts,
           c.v + e.v + b.v + f.v + a.v AS total
    FROM (SELECT coalesce(sum(gold), 0) AS v FROM characters) c,
         (SELECT coalesce(sum(amount), 0) AS v FROM bids WHERE status = 'held') e,
         (SELECT coalesce(sum(reward), 0) AS v FROM bounties WHERE status = 'open') b,
         (SELECT coalesce(sum(treasury), 0) AS v FROM factions) f,
         (SELECT coalesce(sum(balance), 0) AS v FROM gold_accounts) a`);
  const row = rows[0]!;
  return {
    characters: Number(row.characters),
    escrow: Number(row.escrow),
    bounties: Number(row.bounties),
    treasuries: Number(row.treasuries),
    accounts: Number(row.accounts),
    total: Number(row.total),
  };
}
