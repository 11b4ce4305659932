// Price history: buckets equal a direct aggregate of the trades, and the statements sent depend on
// the window (chunks of buckets), never on the number of trades.
import { createTestDatabase, type TestDatabase } from '@bullpen/db/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../testing.js';
import { rowsOf } from '../world/statements.js';
import { NOW, resetWorld, silentLog } from '../../test/world-fixture.js';
import { marketplacePriceHistory } from './marketplace-price-history.job.js';

describe('marketplace price history on a PostgreSQL server', () => {
  let db: TestDatabase;
  let statements = 0;
  beforeAll(async () => {
    db = await createTestDatabase({ onQuery: () => void statements++ });
    await resetWorld(db.db, { size: { base: 'small', trades: 20_000 } });
  });
  afterAll(async () => {
    await db?.drop();
  });

  const day = { lookbackBuckets: 96, bucketsPerStatement: 16 };
  const expectedBuckets = () => rowsOf(db.db, sql`
    SELECT item, date_bin('15 minutes', traded_at, timestamptz '2000-01-01 00:00:00+00') AS bucket_start, count(*)::int AS trades,
           sum(quantity)::int AS volume, min(price) AS low, max(price) AS high,
           round(sum(price::bigint * quantity)::numeric / sum(quantity))::int AS average
    FROM trades WHERE traded_at >= ${new Date(NOW.getTime() - 24 * 3_600_000)} AND traded_at < ${NOW}
    GROUP BY 1, 2 ORDER BY 1, 2`);
  const actualBuckets = () => rowsOf(db.db, sql`
    SELECT item, bucket_start, trades, volume::int AS volume, low, high, average FROM price_buckets ORDER BY 1, 2`);

  it('aggregates a day of trades into buckets with six statements, whatever the number of trades', async () => {
    statements = 0;
    const first = await runJob(marketplacePriceHistory, day, { db: db.db, scheduledAt: NOW, log: silentLog });
    expect(statements).toBe(6);
    expect(first.counts.statements).toBe(6);
    const expected = await expectedBuckets();
    expect(expected.length).toBeGreaterThan(300);
    expect(await actualBuckets()).toEqual(expected);

    // Five times the trades (late arrivals in the same day): same statements, buckets recomputed.
    await db.db.execute(sql`
      INSERT INTO trades (item, price, quantity, buyer_id, seller_id, traded_at)
      SELECT item, price + 1, quantity, buyer_id, seller_id, traded_at FROM trades, generate_series(1, 4)`);
    statements = 0;
    await runJob(marketplacePriceHistory, day, { db: db.db, scheduledAt: NOW, log: silentLog });
    expect(statements).toBe(6);
    expect(await actualBuckets()).toEqual(await expectedBuckets());

    const again = await runJob(marketplacePriceHistory, day, { db: db.db, scheduledAt: NOW, log: silentLog });
    expect(again.status).toBe('skipped');
  });
});
