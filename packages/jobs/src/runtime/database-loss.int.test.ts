// A worker process whose PostgreSQL connections are terminated every second for 20 s while weekly tax
// runs in small batches: it stays up, the attempts that lost their connection fail and are retried,
// every property is billed exactly once and the gold ledger balances.
import { createTestDatabase, type TestDatabase } from '@bullpen/db/testing';
import { QueueEvents } from 'bullmq';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { weeklyTaxCollection } from '../jobs/weekly-tax-collection.job.js';
import { QUEUE } from '../queue-names.js';
import { checkGoldLedger } from '../world/gold-ledger.js';
import { spawnFixture, type Fixture } from '../../test/child-process.js';
import { deletePrefix, redisUrl, uniquePrefix } from '../../test/support.js';
import { resetWorld, scalar } from '../../test/world-fixture.js';
import { startRuntime, type JobRuntime } from './runtime.js';

const PROPERTIES = 1_000;
const KILL_FOR_MS = 20_000;
const APPLICATION = 'bullpen-database-loss';

describe('losing PostgreSQL connections', () => {
  const prefix = uniquePrefix('db-loss');
  let db: TestDatabase;
  let producer: JobRuntime;
  let events: QueueEvents;
  let worker: Fixture | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
    await resetWorld(db.db, { size: { base: 'small', characters: 300, properties: PROPERTIES, workers: 0 } });
    producer = await startRuntime({
      redisUrl, prefix, definitions: [weeklyTaxCollection], db: db.db, logger: pino({ level: 'silent' }), roles: { worker: false, scheduler: false },
    });
    events = new QueueEvents(QUEUE.weeklyTaxCollection, { connection: { url: redisUrl }, prefix });
    await events.waitUntilReady();
  });

  afterAll(async () => {
    worker?.kill("SIGKILL");
    await worker?.exited;
    await events?.close();
    await producer?.close();
    await deletePrefix(prefix);
    await db?.drop();
  });

  it('never crashes the process: weekly tax under a second-by-second backend kill loop bills every property exactly once', async () => {
    const url = new URL(db.url);
    url.searchParams.set('application_name', APPLICATION);
    worker = spawnFixture('catalog-worker.ts', [url.toString(), redisUrl, prefix, QUEUE.weeklyTaxCollection], {
      // Every attempt fails while the loop runs, so the breaker opens; its default 30 s cool-down would only
      // make this test longer.
      BREAKER_HALF_OPEN_MS: '1000',
    });
    await worker.waitFor((l) => l.msg === 'ready');

    // Runs back to back, each retried quickly and often enough to outlast the kill loop.
    const run = async (n: number) => {
      const job = await producer.enqueue(QUEUE.weeklyTaxCollection, { batchSize: 10 }, {
        jobId: `tax-${n}`, attempts: 1_000, backoff: { type: 'fixed', delay: 50 },
      });
      const crashed = worker!.exited.then(({ code, signal }) => {
        throw new Error(`the worker process died (${code ?? signal}): ${JSON.stringify(worker!.lines.slice(-3))}`);
      });
      return Promise.race([job.waitUntilFinished(events, 60_000) as Promise<unknown>, crashed]);
    };
    const killUntil = Date.now() + KILL_FOR_MS;
    let terminated = 0;
    const killing = (async () => {
      while (Date.now() < killUntil) {
        terminated += await scalar(db.db, sql`
          SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS n FROM pg_stat_activity
          WHERE datname = current_database() AND application_name = ${APPLICATION}`);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    })();
    // Runs until the loop is over; the last one completes after it, on the same process.
    let runs = 0;
    while (Date.now() < killUntil) await run(++runs);
    await killing;

    expect(worker.child.exitCode).toBeNull();
    expect(worker.child.signalCode).toBeNull();
    // The kills hit connections in use: attempts failed on them and were retried.
    expect(terminated).toBeGreaterThan(10);
    expect(worker.lines.filter((l) => l.msg === 'job attempt failed').length).toBeGreaterThan(0);
    expect(worker.lines.some((l) => l.msg === 'database connection lost')).toBe(true);

    const owned = await scalar(db.db, sql`SELECT count(*) AS n FROM properties WHERE owner_id IS NOT NULL`);
    expect(await scalar(db.db, sql`SELECT count(*) AS n FROM tax_bills`)).toBe(owned);
    expect(await scalar(db.db, sql`SELECT count(DISTINCT (property_id, period)) AS n FROM tax_bills`)).toBe(owned);
    expect((await checkGoldLedger(db.db)).total).toBe(0);
  }, 90_000);
});
