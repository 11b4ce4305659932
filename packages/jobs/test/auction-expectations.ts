// What settling every ended auction must do to each character, computed from the world before it
// happens: the best held bid (highest, then earliest) wins; its amount minus the fee goes to the seller;
// every other held bid goes back to its bidder; the fees go to the fee sink.
import type { Database } from '@bullpen/db';
import { sql } from 'drizzle-orm';
import { scalar } from './world-fixture.js';

export async function recordAuctionExpectations(db: Database, feePercent = 5): Promise<void> {
  await db.execute(sql`DROP TABLE IF EXISTS expected_gold`);
  await db.execute(sql`
    CREATE TABLE expected_gold AS
    WITH best AS (
      SELECT DISTINCT ON (auction_id) auction_id, id, amount FROM bids WHERE status = 'held'
      ORDER BY auction_id, amount DESC, id
    ),
    credits AS (
      SELECT b.bidder_id AS id, b.amount FROM bids b
      WHERE b.status = 'held' AND b.id NOT IN (SELECT id FROM best)
      UNION ALL
      SELECT a.seller_id, best.amount - (best.amount * ${sql.raw(String(feePercent))}) / 100
      FROM best JOIN auctions a ON a.id = best.auction_id
    )
    SELECT c.id, c.gold + coalesce((SELECT sum(amount) FROM credits WHERE credits.id = c.id), 0) AS gold
    FROM characters c`);
  await db.execute(sql`DROP TABLE IF EXISTS expected_fees`);
  await db.execute(sql`
    CREATE TABLE expected_fees AS
    SELECT (SELECT balance FROM gold_accounts WHERE account = 'fee_sink')
         + coalesce(sum((amount * ${sql.raw(String(feePercent))}) / 100), 0) AS fees
    FROM (SELECT DISTINCT ON (auction_id) amount FROM bids WHERE status = 'held' ORDER BY auction_id, amount DESC, id) best`);
}

/** Each violation of "every auction settled exactly once", counted. All zero when settlement was right. */
export async function auctionViolations(db: Database): Promise<Record<string, number>> {
  return {
    open: await scalar(db, sql`SELECT count(*) AS n FROM auctions WHERE status = 'open'`),
    heldBids: await scalar(db, sql`SELECT count(*) AS n FROM bids WHERE status = 'held'`),
    wrongGold: await scalar(db, sql`SELECT count(*) AS n FROM characters c JOIN expected_gold e ON e.id = c.id WHERE c.gold <> e.gold`),
    wrongFees: await scalar(db, sql`SELECT count(*) AS n FROM expected_fees WHERE fees <> (SELECT balance FROM gold_accounts WHERE account = 'fee_sink')`),
    wonBidsNotOne: await scalar(db, sql`
      SELECT count(*) AS n FROM auctions a
      WHERE (SELECT count(*) FROM bids b WHERE b.auction_id = a.id AND b.status = 'won') <> (CASE WHEN a.winner_id IS NULL THEN 0 ELSE 1 END)`),
    goodsNotDelivered: await scalar(db, sql`
      SELECT abs((SELECT coalesce(sum(quantity), 0) FROM inventories) - (SELECT coalesce(sum(quantity), 0) FROM auctions)) AS n`),
    notificationsNotTwoPerSale: await scalar(db, sql`
      SELECT abs((SELECT count(*) FROM notifications WHERE kind LIKE 'auction-%')
                 - (SELECT count(*) + count(winner_id) FROM auctions)) AS n`),
  };
}
