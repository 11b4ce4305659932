// Auction settlement in one process: concurrent runs (exclusivity switched off, as if two instances
// raced) still settle each auction once, because the claim and its money moves share a transaction.
import type { DatabaseHandle } from '@bullpen/db';
import { createPgliteTestDatabase, createTestDatabase } from '@bullpen/db/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE } from '../queue-names.js';
import { runJob } from '../testing.js';
import { checkGoldLedger } from '../world/gold-ledger.js';
import { rowsOf } from '../world/statements.js';
import { auctionViolations, recordAuctionExpectations } from '../../test/auction-expectations.js';
import { NOW, resetWorld, scalar, silentLog } from '../../test/world-fixture.js';
import { auctionSettlement } from './auction-settlement.job.js';

const engines: Array<[string, () => Promise<DatabaseHandle & { drop?: () => Promise<void> }>]> = [
  ['a PostgreSQL server', () => createTestDatabase()],
  ['PGlite', () => createPgliteTestDatabase()],
];

describe.each(engines)('auction settlement on %s', (_engine, open) => {
  let handle: DatabaseHandle & { drop?: () => Promise<void> };
  beforeAll(async () => {
    handle = await open();
    await resetWorld(handle.db, { size: { base: 'small', auctions: 500, bids: 1_500 } });
    // Every auction has ended, and a few have no bids at all.
    await handle.db.execute(sql`UPDATE auctions SET ends_at = ${NOW}::timestamptz - interval '1 minute'`);
  });
  afterAll(async () => {
    await (handle.drop ? handle.drop() : handle.close());
  });

  it('settles 500 ended auctions exactly once under four concurrent runs, conserving gold', async () => {
    expect(auctionSettlement.exclusive).toBe(true);
    await recordAuctionExpectations(handle.db);
    const unsold = await scalar(handle.db, sql`SELECT count(*) AS n FROM auctions a WHERE NOT EXISTS (SELECT 1 FROM bids b WHERE b.auction_id = a.id)`);
    expect(unsold).toBeGreaterThan(0);

    const results = await Promise.all(
      [1, 2, 3, 4].map((i) => runJob(auctionSettlement, { batchSize: 10, maxBatches: 100 }, { db: handle.db, scheduledAt: NOW, log: silentLog, jobId: `settle-${i}` })),
    );
    expect(results.reduce((sum, r) => sum + r.counts.settled!, 0)).toBe(500);
    expect(await auctionViolations(handle.db)).toEqual({
      open: 0, heldBids: 0, wrongGold: 0, wrongFees: 0, wonBidsNotOne: 0, goodsNotDelivered: 0, notificationsNotTwoPerSale: 0,
    });
    expect(await scalar(handle.db, sql`SELECT count(*) AS n FROM auctions WHERE winner_id IS NULL`)).toBe(unsold);
    expect((await checkGoldLedger(handle.db)).total).toBe(0);

    // Follow-up work went to the outbox with deterministic, colon-free job ids, one per notification.
    const outbox = await rowsOf<{ queue: string; job_id: string }>(handle.db, sql`SELECT queue, job_id FROM outbox`);
    expect(outbox).toHaveLength(await scalar(handle.db, sql`SELECT count(*) AS n FROM notifications`));
    expect(outbox.every((row) => row.queue === QUEUE.playerNotifications && /^notification-\d+$/.test(row.job_id))).toBe(true);

    const again = await runJob(auctionSettlement, {}, { db: handle.db, scheduledAt: NOW, log: silentLog });
    expect(again.status).toBe('skipped');
    expect(await auctionViolations(handle.db)).toMatchObject({ wrongGold: 0, wrongFees: 0 });
  });
});
