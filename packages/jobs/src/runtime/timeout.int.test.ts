import { deadLetters } from '@bullpen/db';
import { QueueEvents } from 'bullmq';
import { eq, sql } from 'drizzle-orm';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineJob } from '../definition.js';
import { JobTimeoutError } from '../errors.js';
import { redisUrl, useWorkerRuntime, waitFor } from '../../test/support.js';
import { scalar } from '../../test/world-fixture.js';

const TIMEOUT_MS = 300;
const IGNORES_FOR_MS = 1_000;
let signalSeen: AbortSignal | undefined;

const ignoresTime = defineJob({
  queue: 'ignores-time',
  description: 'sleeps past its timeout without looking at its signal',
  attempts: 1,
  timeoutMs: TIMEOUT_MS,
  input: z.object({}).loose(),
  async process({ signal }) {
    signalSeen = signal;
    await sleep(IGNORES_FOR_MS);
    return { summary: 'should never count' };
  },
});

const EXCLUSIVE_TIMEOUT_MS = 500;
interface Run { jobId: string; attempt: number; start: number; end: number }
const runs: Run[] = [];

/**
 * Exclusive, and its first attempt ignores its signal: in `ticks` mode it keeps writing to the database
 * (swallowing errors) for 1.5 s; in `statement` mode it runs a 3 s statement in a transaction.
 */
const ignoresDeadline = defineJob({
  queue: 'ignores-deadline',
  description: 'exclusive; the first attempt works on past its deadline',
  exclusive: true,
  attempts: 2,
  backoff: { type: 'fixed', delay: 1 },
  timeoutMs: EXCLUSIVE_TIMEOUT_MS,
  input: z.object({ mode: z.enum(['ticks', 'statement', 'quick']) }),
  async process({ input, job, db }) {
    const run: Run = { jobId: job.id, attempt: job.attempt, start: Date.now(), end: 0 };
    runs.push(run);
    if (job.attempt === 1 && input.mode === 'ticks') {
      while (Date.now() - run.start < 1_500) {
        try {
          await db.transaction((tx) => tx.execute(sql`INSERT INTO attempt_ticks (job_id) VALUES (${job.id})`));
        } catch {
          // Ignores every error too: only the database's own refusal can stop its writes.
        }
        await sleep(20);
      }
    }
    if (job.attempt === 1 && input.mode === 'statement') {
      try {
        await db.transaction((tx) => tx.execute(sql`SELECT pg_sleep(3)`));
      } catch {
        // As above.
      }
    }
    run.end = Date.now();
    return { summary: 'worked' };
  },
});

/** Pairs of runs whose intervals intersect. */
function overlaps(all: Run[]): number {
  const sorted = [...all].sort((a, b) => a.start - b.start);
  let pairs = 0;
  let latestEnd = -Infinity;
  for (const run of sorted) {
    if (run.start < latestEnd) pairs += 1;
    latestEnd = Math.max(latestEnd, run.end);
  }
  return pairs;
}

describe('timeouts', () => {
  const t = useWorkerRuntime('timeout', [ignoresTime, ignoresDeadline]);
  let exclusiveEvents: QueueEvents;
  beforeAll(async () => {
    await t.database.db.execute(sql`CREATE TABLE attempt_ticks (job_id text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())`);
    exclusiveEvents = new QueueEvents(ignoresDeadline.queue, { connection: { url: redisUrl }, prefix: t.prefix });
    await exclusiveEvents.waitUntilReady();
  });
  afterAll(async () => {
    await exclusiveEvents?.close();
  });

  it('aborts a processor that ignores time at its timeout and fails the attempt with a timeout error once it has stopped', async () => {
    const job = await t.runtime.enqueue(ignoresTime.queue);
    const started = Date.now();
    await expect(job.waitUntilFinished(t.events, 6_000)).rejects.toThrow(`exceeded its ${TIMEOUT_MS} ms timeout`);
    // The attempt ends when the processor really stopped, not at the deadline.
    expect(Date.now() - started).toBeGreaterThanOrEqual(IGNORES_FOR_MS);
    // The processor's signal fired with the timeout as its reason.
    expect(signalSeen?.aborted).toBe(true);
    expect(signalSeen?.reason).toBeInstanceOf(JobTimeoutError);

    const [letter] = await waitFor(
      () => t.database.db.select().from(deadLetters).where(eq(deadLetters.jobId, job.id!)).then((rows) => (rows.length ? rows : undefined)),
      5_000,
      'the dead letter',
    );
    expect(letter!.error).toMatchObject({ name: 'JobTimeoutError', code: 'JOB_TIMEOUT' });
  });

  it('an exclusive run that ignores its deadline is neither overlapped by its retry nor by the next job, and its database writes stop at the deadline', async () => {
    runs.length = 0;
    const job = await t.runtime.enqueue(ignoresDeadline.queue, { mode: 'ticks' });
    await waitFor(() => runs.length === 1, 5_000, 'the first run to start');
    await sleep(EXCLUSIVE_TIMEOUT_MS + 100);
    // Past the deadline, while the first run still works: another job of the exclusive type arrives.
    const next = await t.runtime.enqueue(ignoresDeadline.queue, { mode: 'quick' });
    await job.waitUntilFinished(exclusiveEvents, 10_000);
    await next.waitUntilFinished(exclusiveEvents, 10_000);

    // The retry and the next job run in either order, but only after the first run stopped.
    expect(runs.map((r) => `${r.jobId}#${r.attempt}`).sort()).toEqual([`${job.id}#1`, `${job.id}#2`, `${next.id}#1`].sort());
    expect(runs[0]).toMatchObject({ jobId: job.id, attempt: 1 });
    expect(runs[0]!.end - runs[0]!.start).toBeGreaterThanOrEqual(1_500);
    expect(overlaps(runs)).toBe(0);
    const deadline = runs[0]!.start + EXCLUSIVE_TIMEOUT_MS;
    const writes = await scalar(t.database.db, sql`SELECT count(*) AS n FROM attempt_ticks WHERE job_id = ${job.id!}`);
    const lateWrites = await scalar(t.database.db, sql`
      SELECT count(*) AS n FROM attempt_ticks WHERE job_id = ${job.id!} AND at > to_timestamp(${(deadline + 100) / 1000})`);
    expect(writes).toBeGreaterThan(0);
    expect(lateWrites).toBe(0);
  });

  it("a statement running at the deadline is cancelled, so the run stops at the deadline and its retry follows it", async () => {
    runs.length = 0;
    const job = await t.runtime.enqueue(ignoresDeadline.queue, { mode: 'statement' });
    await job.waitUntilFinished(exclusiveEvents, 10_000);
    expect(runs.map((r) => r.attempt)).toEqual([1, 2]);
    expect(overlaps(runs)).toBe(0);
    // Cut at the deadline, not after the 3 s the statement asked for.
    expect(runs[0]!.end - runs[0]!.start).toBeLessThan(EXCLUSIVE_TIMEOUT_MS + 1_000);
    expect(await scalar(t.database.db, sql`
      SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%pg_sleep(3)%' AND state = 'active'
        AND pid <> pg_backend_pid()`)).toBe(0);
  });
});
