// Weekly tax: exactly one bill per (property, ISO week) under ten concurrent runs, a run SIGKILLed
// mid-way and its retry; owners' gold and treasuries reconcile with the bills paid to the coin.
import type { Database, DatabaseHandle } from '@bullpen/db';
import { createPgliteTestDatabase, createTestDatabase, type TestDatabase } from '@bullpen/db/testing';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE } from '../queue-names.js';
import { runJob } from '../testing.js';
import { checkGoldLedger } from '../world/gold-ledger.js';
import { isoWeek } from '../world/periods.js';
import { spawnFixture, type Fixture } from '../../test/child-process.js';
import { waitFor } from '../../test/support.js';
import { NOW, resetWorld, scalar, silentLog } from '../../test/world-fixture.js';
import { weeklyTaxCollection } from './weekly-tax-collection.job.js';

const PROPERTIES = 10_000;
const WORLD = { size: { base: 'small' as const, characters: 2_000, properties: PROPERTIES, workers: 0 } };
const DAY = 86_400_000;

/** Remembers gold and treasuries so the test can reconcile them with the bills afterwards. */
async function snapshotBalances(db: Database): Promise<void> {
  await db.execute(sql`DROP TABLE IF EXISTS gold_before`);
  await db.execute(sql`CREATE TABLE gold_before AS SELECT id, gold FROM characters`);
  await db.execute(sql`DROP TABLE IF EXISTS treasury_before`);
  await db.execute(sql`CREATE TABLE treasury_before AS SELECT id, treasury FROM factions`);
}

/** Characters and factions whose balance moved by anything but the bills paid for `period`. */
async function unreconciled(db: Database, period: string): Promise<number> {
  return scalar(db, sql`
    SELECT
      (SELECT count(*) FROM characters c JOIN gold_before b ON b.id = c.id
        WHERE b.gold - c.gold <> coalesce((SELECT sum(amount) FROM tax_bills t WHERE t.owner_id = c.id AND t.period = ${period} AND t.status = 'paid'), 0))
    + (SELECT count(*) FROM factions f JOIN treasury_before b ON b.id = f.id
        WHERE f.treasury - b.treasury <> coalesce((SELECT sum(t.amount) FROM tax_bills t JOIN properties p ON p.id = t.property_id
                                                    JOIN territories tr ON tr.id = p.territory_id
                                                    WHERE tr.faction_id = f.id AND t.period = ${period} AND t.status = 'paid'), 0))
    AS n`);
}

describe('weekly tax collection on a PostgreSQL server', () => {
  let db: TestDatabase;
  const children: Fixture[] = [];
  beforeAll(async () => {
    db = await createTestDatabase({ poolSize: 14 });
    await resetWorld(db.db, WORLD);
  });
  afterEach(() => {
    for (const child of children.splice(0)) child.kill();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('ten concurrent runs plus a run SIGKILLed mid-way and retried bill 10,000 properties exactly once', async () => {
    await snapshotBalances(db.db);
    const scheduledAt = NOW;
    const { period } = isoWeek(scheduledAt);
    const input = { batchSize: 50 };

    const doomed = spawnFixture('run-job.ts', [db.url, QUEUE.weeklyTaxCollection, JSON.stringify(input), scheduledAt.toISOString()]);
    children.push(doomed);
    await doomed.waitFor((l) => l.msg === 'tax batch committed');
    const concurrent = Array.from({ length: 10 }, (_, i) =>
      runJob(weeklyTaxCollection, input, { db: db.db, scheduledAt, log: silentLog, jobId: `concurrent-${i}` }));
    await doomed.waitFor((l) => l.msg === 'tax batch committed' && l.batch === 3);
    doomed.kill('SIGKILL');
    expect((await doomed.exited).signal).toBe('SIGKILL');
    expect(doomed.lines.some((l) => l.msg === 'done')).toBe(false);

    const results = await Promise.all(concurrent);
    // The killed run's retry: attempt 2 of the same job, same scheduled time.
    const retry = await runJob(weeklyTaxCollection, input, { db: db.db, scheduledAt, log: silentLog, jobId: `child-${doomed.child.pid}`, attempt: 2 });

    expect(await scalar(db.db, sql`SELECT count(*) AS n FROM tax_bills`)).toBe(PROPERTIES);
    expect(await scalar(db.db, sql`SELECT count(DISTINCT property_id) AS n FROM tax_bills WHERE period = ${period}`)).toBe(PROPERTIES);
    const billedByChild = doomed.lines.filter((l) => l.msg === 'tax batch committed').reduce((sum, l) => sum + Number(l.billed), 0);
    expect(results.reduce((sum, r) => sum + r.counts.billed!, 0) + retry.counts.billed! + billedByChild).toBe(PROPERTIES);
    expect(retry.status).toBe('skipped');
    expect(await unreconciled(db.db, period)).toBe(0);
    expect(await scalar(db.db, sql`SELECT count(*) AS n FROM tax_bills WHERE status = 'paid'`)).toBeGreaterThan(0);
    expect((await checkGoldLedger(db.db)).total).toBe(0);
  });

  it("derives the period from the job's scheduled time, not the worker's clock", async () => {
    const lastMonth = new Date(NOW.getTime() - 21 * DAY);
    const result = await runJob(weeklyTaxCollection, {}, { db: db.db, scheduledAt: lastMonth, log: silentLog });
    expect(result.counts.billed).toBe(PROPERTIES);
    expect(await scalar(db.db, sql`SELECT count(*) AS n FROM tax_bills WHERE period = ${isoWeek(lastMonth).period}`)).toBe(PROPERTIES);
    expect(isoWeek(lastMonth).period).toBe('2026-W45');
    // Later in the same week (a late retry, say): still that week, nothing new.
    const again = await runJob(weeklyTaxCollection, {}, { db: db.db, scheduledAt: new Date(lastMonth.getTime() + DAY), log: silentLog });
    expect(again.counts.billed).toBe(0);
  });
  it("bills its lanes side by side: one lane blocked on an owner's lock does not hold back the other", async () => {
    const scheduledAt = new Date(NOW.getTime() + 7 * DAY);
    const { period } = isoWeek(scheduledAt);
    const [first, last] = [await scalar(db.db, sql`SELECT min(id) AS n FROM characters`), await scalar(db.db, sql`SELECT max(id) AS n FROM characters`)];
    // The second lane's owners, as the job splits them: the upper half of the id range.
    const secondLane = first - 1 + Math.ceil((last - first + 1) / 2);
    const ownedBySecondLane = await scalar(db.db, sql`SELECT count(*) AS n FROM properties WHERE owner_id > ${secondLane}`);
    expect(ownedBySecondLane).toBeGreaterThan(0);

    // Another transaction holds the first owner: the first lane waits on it from its first batch.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = db.db.transaction(async (tx) => {
      await tx.execute(sql`SELECT 1 FROM characters WHERE id = ${first} FOR UPDATE`);
      locked();
      await released;
    });
    await isLocked;
    const run = runJob(weeklyTaxCollection, { lanes: 2, batchSize: 100 }, { db: db.db, scheduledAt, log: silentLog });
    try {
      // The second lane bills all of its owners while the first is still blocked.
      await waitFor(async () => (await scalar(db.db, sql`SELECT count(*) AS n FROM tax_bills WHERE period = ${period} AND owner_id > ${secondLane}`)) === ownedBySecondLane, 15_000, 'the second lane to finish');
      expect(await scalar(db.db, sql`SELECT count(*) AS n FROM tax_bills WHERE period = ${period} AND owner_id <= ${secondLane}`)).toBe(0);
    } finally {
      release();
      await holder;
    }
    const result = await run;
    expect(result.counts.billed).toBe(PROPERTIES);
    expect(await scalar(db.db, sql`SELECT count(DISTINCT property_id) AS n FROM tax_bills WHERE period = ${period}`)).toBe(PROPERTIES);
    expect((await checkGoldLedger(db.db)).total).toBe(0);
  });
});

describe('weekly tax collection on PGlite', () => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await createPgliteTestDatabase();
    await resetWorld(handle.db, WORLD);
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('a run aborted mid-way, its retry and three concurrent runs bill 10,000 properties exactly once', async () => {
    await snapshotBalances(handle.db);
    const { period } = isoWeek(NOW);
    const controller = new AbortController();
    const log = silentLog.child({});
    let batches = 0;
    // Abort once the second batch has committed: the signal is honoured between batches.
    const progressLog = new Proxy(log, {
      get(target, key, receiver) {
        if (key === 'debug') {
          return (obj: unknown, msg?: string) => {
            if (msg === 'tax batch committed' && ++batches === 2) controller.abort(new Error('killed by the test'));
          };
        }
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    // Batches of 200 owners: about 1,000 properties each in this world of 2,000 owners.
    await expect(runJob(weeklyTaxCollection, { batchSize: 200 }, { db: handle.db, scheduledAt: NOW, log: progressLog, signal: controller.signal }))
      .rejects.toThrow('killed by the test');
    const partial = await scalar(handle.db, sql`SELECT count(*) AS n FROM tax_bills`);
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(PROPERTIES / 2);

    const runs = await Promise.all([
      runJob(weeklyTaxCollection, { batchSize: 200 }, { db: handle.db, scheduledAt: NOW, log: silentLog, attempt: 2 }),
      ...[1, 2, 3].map(() => runJob(weeklyTaxCollection, { batchSize: 140 }, { db: handle.db, scheduledAt: NOW, log: silentLog })),
    ]);
    expect(runs.reduce((sum, r) => sum + r.counts.billed!, 0)).toBe(PROPERTIES - partial);
    expect(await scalar(handle.db, sql`SELECT count(*) AS n FROM tax_bills WHERE period = ${period}`)).toBe(PROPERTIES);
    expect(await unreconciled(handle.db, period)).toBe(0);
    expect((await checkGoldLedger(handle.db)).total).toBe(0);
  });
});
