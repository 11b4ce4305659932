// Settles ended auctions, a bounded batch per transaction. The claim (open → settled, taking rows with
// FOR UPDATE SKIP LOCKED) and every money move it implies commit together or not at all: the best held
// bid wins and its escrow goes to the seller minus the fee (to the fee sink), the other held bids are
// refunded, the goods go to the winner (or back to an unsold seller), and the notifications are written
// to the outbox. A settled auction is never claimed again, so a retried or concurrent run cannot
// settle it twice; the type is also exclusive so runs do not even overlap.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { defineJob } from '../definition.js';
import { QUEUE } from '../queue-names.js';
import { enqueueNotifications } from '../world/notify.js';
import { countsOf, idsAndCounts } from '../world/statements.js';

export const auctionSettlement = defineJob({
  queue: QUEUE.auctionSettlement,
  description: 'Settle ended auctions: best bid wins, escrow to the seller minus the fee, losers refunded',
  schedule: { every: 60_000 },
  demoSchedule: { every: 30_000 },
  exclusive: true,
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000 },
  timeoutMs: 2 * 60_000,
  input: z.object({
    batchSize: z.number().int().min(1).max(1_000).default(100),
    /** Stop after this many batches and leave the rest to the next run. */
    maxBatches: z.number().int().min(1).max(1_000).default(50),
    /** Fee kept by the auction house, in percent of the winning bid. */
    feePercent: z.number().int().min(0).max(50).default(5),
  }),
  async process(ctx) {
    const { batchSize, maxBatches, feePercent } = ctx.input;
    const at = ctx.job.scheduledAt;
    const totals = { settled: 0, sold: 0, refunds: 0, notifications: 0, batches: 0 };
    let more = true;
    while (more && totals.batches < maxBatches) {
      ctx.signal.throwIfAborted();
      const batch = await ctx.db.transaction(async (tx) => {
        const claim = await idsAndCounts<'claimed' | 'sold'>(tx, sql`
          WITH due AS (
            SELECT id FROM auctions WHERE status = 'open' AND ends_at <= ${at}
            ORDER BY id LIMIT ${batchSize} FOR UPDATE SKIP LOCKED
          ),
          best AS (
            SELECT DISTINCT ON (b.auction_id) b.auction_id, b.id, b.bidder_id, b.amount
            FROM bids b JOIN due ON due.id = b.auction_id
            WHERE b.status = 'held'
            ORDER BY b.auction_id, b.amount DESC, b.id
          ),
          claimed AS (
            UPDATE auctions a
            SET status = 'settled', settled_at = ${at}, winner_id = best.bidder_id, winning_bid_id = best.id,
                price = best.amount, fee = (best.amount * ${feePercent}) / 100
            FROM due LEFT JOIN best ON best.auction_id = due.id
            WHERE a.id = due.id AND a.status = 'open'
            RETURNING a.id, a.winner_id
          )
          SELECT coalesce(json_agg(id ORDER BY id), '[]'::json) AS ids, count(*) AS claimed,
                 count(winner_id) AS sold
          FROM claimed`);
        if (claim.ids.length === 0) return { ...claim.counts, refunds: 0, notifications: 0 };
        const ids = sql`(SELECT (jsonb_array_elements_text(${JSON.stringify(claim.ids)}::jsonb))::int)`;
        // Escrow leaves the held bids: the winner's to the seller and the fee sink, the rest back home.
        const money = await countsOf<'refunds'>(tx, sql`
          WITH moved AS (
            UPDATE bids b SET status = CASE WHEN b.id = a.winning_bid_id THEN 'won' ELSE 'refunded' END
            FROM auctions a
            WHERE a.id IN ${ids} AND b.auction_id = a.id AND b.status = 'held'
            RETURNING b.bidder_id, b.amount, b.status, a.seller_id, a.fee
          ),
          credits AS (
            SELECT cid, sum(amount) AS amount FROM (
              SELECT bidder_id AS cid, amount FROM moved WHERE status = 'refunded'
              UNION ALL
              SELECT seller_id AS cid, amount - fee FROM moved WHERE status = 'won'
            ) x GROUP BY cid
          ),
          credited AS (
            UPDATE characters c SET gold = c.gold + credits.amount FROM credits WHERE c.id = credits.cid RETURNING 1
          ),
          fees AS (
            UPDATE gold_accounts SET balance = balance + (SELECT coalesce(sum(fee), 0) FROM moved WHERE status = 'won')
            WHERE account = 'fee_sink' RETURNING 1
          )
          SELECT count(*) FILTER (WHERE status = 'refunded') AS refunds FROM moved`);
        await tx.execute(sql`
          INSERT INTO inventories (character_id, item, quantity)
          SELECT coalesce(winner_id, seller_id), item, sum(quantity) FROM auctions WHERE id IN ${ids}
          GROUP BY 1, 2
          ON CONFLICT (character_id, item) DO UPDATE SET quantity = inventories.quantity + excluded.quantity`);
        const notes = await idsAndCounts(tx, sql`
          WITH inserted AS (
            INSERT INTO notifications (character_id, kind, body, dedupe_key, created_at)
            SELECT winner_id, 'auction-won', 'You won auction ' || id || ' for ' || price || ' gold', 'auction-won-' || id, ${at}::timestamptz
            FROM auctions WHERE id IN ${ids} AND winner_id IS NOT NULL
            UNION ALL
            SELECT seller_id, CASE WHEN winner_id IS NULL THEN 'auction-unsold' ELSE 'auction-sold' END,
                   'Auction ' || id || CASE WHEN winner_id IS NULL THEN ' ended without bids' ELSE ' sold for ' || price || ' gold' END,
                   'auction-seller-' || id, ${at}::timestamptz
            FROM auctions WHERE id IN ${ids}
            ON CONFLICT (dedupe_key) DO NOTHING
            RETURNING id
          )
          SELECT coalesce(json_agg(id ORDER BY id), '[]'::json) AS ids FROM inserted`);
        await enqueueNotifications(ctx, tx, notes.ids);
        return { ...claim.counts, refunds: money.refunds, notifications: notes.ids.length };
      });
      totals.batches += 1;
      totals.settled += batch.claimed;
      totals.sold += batch.sold;
      totals.refunds += batch.refunds;
      totals.notifications += batch.notifications;
      more = batch.claimed === batchSize;
      if (batch.claimed > 0) {
        ctx.log.debug({ batch: totals.batches, settled: batch.claimed, sold: batch.sold }, 'auction batch committed');
        await ctx.progress({ settled: totals.settled });
      }
    }
    return {
      status: totals.settled === 0 ? 'skipped' : more ? 'partial' : 'ok',
      summary: `settled ${totals.settled} auctions (${totals.sold} sold, ${totals.refunds} bids refunded)`,
      counts: totals,
    };
  },
});
