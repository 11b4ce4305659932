// Auction settlement across three worker processes on the BullMQ runtime, one SIGKILLed mid-run:
// its job is recovered as stalled by another process, and every auction is still settled exactly once
// with all gold accounted for.
import { createTestDatabase, type TestDatabase } from '@bullpen/db/testing';
import { QueueEvents, type Job } from 'bullmq';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE } from '../queue-names.js';
import { queuePrefix } from '../runtime/keys.js';
import { startRuntime, type JobRuntime } from '../runtime/runtime.js';
import { checkGoldLedger } from '../world/gold-ledger.js';
import { auctionViolations, recordAuctionExpectations } from '../../test/auction-expectations.js';
import { spawnFixture, type Fixture } from '../../test/child-process.js';
import { deletePrefix, redisUrl, uniquePrefix } from '../../test/support.js';
import { resetWorld } from '../../test/world-fixture.js';
import { auctionSettlement } from './auction-settlement.job.js';

const AUCTIONS = 500;
const batchCommitted = (line: Record<string, unknown>) => line.msg === 'auction batch committed';

describe('auction settlement by three worker processes', () => {
  const prefix = uniquePrefix('auctions');
  let db: TestDatabase;
  let producer: JobRuntime;
  let events: QueueEvents;
  const workers: Fixture[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    await resetWorld(db.db, { size: { base: 'small', auctions: AUCTIONS, bids: 1_500 }, now: new Date() });
    // All ended before the jobs are enqueued (a job's scheduled time is its enqueue time).
    await db.db.execute(sql`UPDATE auctions SET ends_at = now() - interval '1 minute'`);
    producer = await startRuntime({
      redisUrl, prefix, definitions: [auctionSettlement], db: db.db, logger: pino({ level: 'silent' }),
      roles: { worker: false, scheduler: false },
    });
    events = new QueueEvents(QUEUE.auctionSettlement, { connection: { url: redisUrl }, prefix: queuePrefix(prefix, QUEUE.auctionSettlement) });
    await events.waitUntilReady();
  });

  afterAll(async () => {
    for (const worker of workers) worker.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await events?.close();
    await producer?.close();
    await deletePrefix(prefix);
    await db?.drop();
  });

  it('settles each of 500 auctions exactly once although one process is SIGKILLed mid-run', async () => {
    await recordAuctionExpectations(db.db);
    for (let i = 0; i < 3; i++) workers.push(spawnFixture('auction-worker.ts', [db.url, redisUrl, prefix]));
    await Promise.all(workers.map((w) => w.waitFor((l) => l.msg === 'ready')));

    // Six runs of at most 100 auctions each (20 batches of 5): more than enough, and spread over time.
    const jobs: Job[] = [];
    for (let i = 1; i <= 6; i++) {
      jobs.push(await producer.enqueue(QUEUE.auctionSettlement, { batchSize: 5, maxBatches: 20 }, { jobId: `settle-${i}` }));
    }
    // Kill whichever process commits its third batch first: it is mid-run, holding the exclusive slot.
    const victim = await Promise.race(workers.map((w) => w.waitFor((l) => batchCommitted(l) && l.batch === 3).then(() => w)));
    victim.kill('SIGKILL');
    expect((await victim.exited).signal).toBe('SIGKILL');

    const results = await Promise.all(jobs.map((job) => job.waitUntilFinished(events, 60_000) as Promise<{ counts: { settled: number } }>));
    const settledByRuns = results.reduce((sum, r) => sum + r.counts.settled, 0);
    const committedByVictimsLostRun = victim.lines.filter(batchCommitted).length * 5;
    expect(settledByRuns).toBeLessThanOrEqual(AUCTIONS);
    expect(await auctionViolations(db.db)).toEqual({
      open: 0, heldBids: 0, wrongGold: 0, wrongFees: 0, wonBidsNotOne: 0, goodsNotDelivered: 0, notificationsNotTwoPerSale: 0,
    });
    expect((await checkGoldLedger(db.db)).total).toBe(0);
    // The killed run's committed batches stand; its job was recovered and the rest settled by others.
    expect(committedByVictimsLostRun).toBeGreaterThanOrEqual(15);
    const survivors = workers.filter((w) => w !== victim);
    expect(survivors.some((w) => w.lines.some(batchCommitted))).toBe(true);
  });
});
