// Aggregates trades into fifteen-minute price buckets. Buckets are recomputed from the trades (not
// incremented), so a rerun writes the same numbers and the upsert skips rows that did not change.
// One set-based upsert per chunk of buckets: O(chunks) statements whatever the number of trades.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { defineJob } from '../definition.js';
import { QUEUE } from '../queue-names.js';
import { slotOf } from '../world/periods.js';
import { countsOf } from '../world/statements.js';

const BUCKET_MS = 15 * 60_000;

export const marketplacePriceHistory = defineJob({
  queue: QUEUE.marketplacePriceHistory,
  description: 'Aggregate trades into fifteen-minute price buckets',
  schedule: { pattern: '0 */15 * * * *', tz: 'UTC' },
  demoSchedule: { every: 60_000 },
  attempts: 3,
  timeoutMs: 2 * 60_000,
  input: z.object({
    /** Completed buckets before the scheduled time to (re)compute; late trades land in earlier ones. */
    lookbackBuckets: z.number().int().min(1).max(96 * 7).default(4),
    /** Buckets per statement. */
    bucketsPerStatement: z.number().int().min(1).max(96 * 7).default(16),
  }),
  async process(ctx) {
    const { lookbackBuckets, bucketsPerStatement } = ctx.input;
    const end = slotOf(ctx.job.scheduledAt, 15).start.getTime();
    const start = end - lookbackBuckets * BUCKET_MS;
    const totals = { statements: 0, buckets: 0 };
    for (let from = start; from < end; from += bucketsPerStatement * BUCKET_MS) {
      ctx.signal.throwIfAborted();
      const to = Math.min(end, from + bucketsPerStatement * BUCKET_MS);
      const { written } = await countsOf<'written'>(ctx.db, sql`
        WITH upserted AS (
          INSERT INTO price_buckets (item, bucket_start, trades, volume, low, high, average)
          SELECT item, date_bin('15 minutes', traded_at, timestamptz '2000-01-01 00:00:00+00'),
                 count(*), sum(quantity), min(price), max(price),
                 round(sum(price::bigint * quantity)::numeric / sum(quantity))::int
          FROM trades
          WHERE traded_at >= ${new Date(from)} AND traded_at < ${new Date(to)}
          GROUP BY 1, 2
          ON CONFLICT (item, bucket_start) DO UPDATE
          SET trades = excluded.trades, volume = excluded.volume, low = excluded.low, high = excluded.high,
              average = excluded.average
          WHERE (price_buckets.trades, price_buckets.volume, price_buckets.low, price_buckets.high, price_buckets.average)
                IS DISTINCT FROM (excluded.trades, excluded.volume, excluded.low, excluded.high, excluded.average)
          RETURNING 1
        )
        SELECT count(*) AS written FROM upserted`);
      totals.statements += 1;
      totals.buckets += written;
    }
    return {
      status: totals.buckets === 0 ? 'skipped' : 'ok',
      summary: `${totals.buckets} price buckets written from ${new Date(start).toISOString()} to ${new Date(end).toISOString()}`,
      counts: totals,
    };
  },
});
