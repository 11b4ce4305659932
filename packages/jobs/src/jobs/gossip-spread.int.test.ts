// Gossip spread: spreads only from territories where it was known, cools once per slot, and on a large
// world stops within a second of an abort while the heap stays flat.
import { createTestDatabase, type TestDatabase } from '@bullpen/db/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobContext } from '../definition.js';
import { QUEUE } from '../queue-names.js';
import { runJob } from '../testing.js';
import { NOW, resetWorld, scalar, silentLog } from '../../test/world-fixture.js';
import { gossipSpread } from './gossip-spread.job.js';

type GossipInput = Parameters<typeof gossipSpread.process>[0]['input'];

/** Calls the processor itself (not through runJob) so the test sees when the processor really stops. */
function directRun(db: TestDatabase, input: Partial<GossipInput>, signal: AbortSignal, onProgress: () => void) {
  const ctx: JobContext<GossipInput> = {
    input: gossipSpread.input.parse(input),
    signal,
    log: silentLog,
    db: db.db,
    job: { id: 'direct', name: QUEUE.gossipSpread, queue: QUEUE.gossipSpread, attempt: 1, scheduledAt: NOW },
    progress: async () => onProgress(),
    enqueueAfterCommit: async () => undefined,
  };
  return gossipSpread.process(ctx);
}

describe('gossip spread on a PostgreSQL server', () => {
  let db: TestDatabase;
  let onQuery: () => void = () => undefined;
  beforeAll(async () => {
    db = await createTestDatabase({ onQuery: () => onQuery() });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('spreads hot gossip only to characters in territories where it was known, then cools it once', async () => {
    await resetWorld(db.db);
    await db.db.execute(sql`CREATE TABLE heat_before AS SELECT id, heat FROM gossip`);
    const result = await runJob(gossipSpread, {}, { db: db.db, scheduledAt: NOW, log: silentLog });
    expect(result.counts.learned).toBeGreaterThan(0);
    // Every new knower shares a territory with someone who knew before, and the gossip was hot.
    expect(await scalar(db.db, sql`
      SELECT count(*) AS n FROM gossip_knowers k JOIN heat_before h ON h.id = k.gossip_id
      WHERE k.learned_at = ${NOW}::timestamptz AND (h.heat < 30 OR NOT EXISTS (
        SELECT 1 FROM gossip_knowers o WHERE o.gossip_id = k.gossip_id AND o.territory_id = k.territory_id AND o.learned_at < k.learned_at))`)).toBe(0);
    expect(await scalar(db.db, sql`
      SELECT count(*) AS n FROM gossip g JOIN heat_before h ON h.id = g.id WHERE g.heat <> greatest(0, h.heat - 10)`)).toBe(0);
  });

  it('on a large world: memory stays flat, and an abort mid-run stops the processor within a second', async () => {
    await resetWorld(db.db, { size: 'large' });
    const characters = await scalar(db.db, sql`SELECT count(*) AS n FROM characters`);
    expect(characters).toBe(20_000);

    // A full run, sampling the heap at every statement.
    global.gc?.();
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    onQuery = () => {
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    };
    const full = await runJob(gossipSpread, { batchSize: 500 }, { db: db.db, scheduledAt: NOW, log: silentLog });
    onQuery = () => undefined;
    expect(full.counts.batches).toBe(40);
    expect(full.counts.learned).toBeGreaterThan(10_000);
    expect(peak - baseline).toBeLessThan(64 * 1024 * 1024);

    // The next slot, aborted once the second batch has committed.
    const controller = new AbortController();
    let batches = 0;
    let statementsAfterStop = 0;
    let stopped = false;
    onQuery = () => {
      if (stopped) statementsAfterStop++;
    };
    let abortedAt = 0;
    const run = directRun(db, { batchSize: 500 }, controller.signal, () => {
      if (++batches === 2) {
        abortedAt = performance.now();
        controller.abort(new Error('operator cancelled'));
      }
    });
    await expect(run).rejects.toThrow('operator cancelled');
    const stoppedAfterMs = performance.now() - abortedAt;
    stopped = true;
    expect(batches).toBe(2);
    expect(stoppedAfterMs).toBeLessThan(1_000);
    // Nothing left running: the database sees no statement from it after it stopped.
    await scalar(db.db, sql`SELECT 1 AS n`);
    expect(statementsAfterStop).toBe(1);
    onQuery = () => undefined;
  });
});
