// Dead letters kept in step with BullMQ: a failure is re-run once, whether an operator retries the
// original job (as Bull Board does, straight on BullMQ) or replays its dead letter, in either order,
// and a replay that dies half-way loses nothing.
import { deadLetters } from '@bullpen/db';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { afterEach, describe, expect, it } from 'vitest';
import { defineJob } from '../definition.js';
import { deletePrefix, redisUrl, silentLogger, startFixture, stopAllFixtures, uniquePrefix, useWorkerRuntime, waitFor } from '../../test/support.js';
import { onDemand } from '../../test/fixtures/definitions.js';
import { startRuntime } from './runtime.js';

/** Successful runs per account: the effect a double run would double. */
const posted = new Map<number, number>();
let ledgerDown = true;

const ledger = defineJob({
  queue: 'ledger-posting',
  description: 'fails while the ledger is down, counts its successful runs',
  attempts: 2,
  backoff: { type: 'fixed', delay: 50 },
  timeoutMs: 2_000,
  breaker: { threshold: 100 },
  input: z.object({ account: z.number().int() }),
  async process({ input }) {
    if (ledgerDown) throw new Error(`ledger unavailable for account ${input.account}`);
    posted.set(input.account, (posted.get(input.account) ?? 0) + 1);
    return { summary: `posted ${input.account}` };
  },
});

describe('dead letters in step with BullMQ retries', () => {
  const t = useWorkerRuntime('dead-letters-retry', [ledger]);
  afterEach(stopAllFixtures);

  const letterOf = async (jobId: string) =>
    waitFor(async () => (await t.database.db.select().from(deadLetters).where(and(eq(deadLetters.queue, ledger.queue), eq(deadLetters.jobId, jobId))))[0], 10_000, 'the dead letter');
  const queueFor = (name: string) => t.runtime.queue(name);

  async function deadJob(account: number) {
    ledgerDown = true;
    const job = await t.runtime.enqueue(ledger.queue, { account });
    await expect(job.waitUntilFinished(t.events, 10_000)).rejects.toThrow('ledger unavailable');
    return { job, letter: await letterOf(job.id!) };
  }

  it('marks the letter retried when the original job is retried on BullMQ (as Bull Board does), so a later replay cannot run it again', async () => {
    const { job, letter } = await deadJob(1);
    ledgerDown = false;
    // Bull Board's retry: BullMQ directly, our API never sees it.
    const failed = await t.runtime.queue(ledger.queue)!.getJob(job.id!);
    await failed!.retry('failed');
    await failed!.waitUntilFinished(t.events, 10_000);
    expect(posted.get(1)).toBe(1);

    const after = await waitFor(async () => {
      const row = await letterOf(job.id!);
      return row.status === 'retried' ? row : undefined;
    }, 5_000, 'the letter marked retried');
    expect(after.retriedAt).toBeInstanceOf(Date);
    expect(await t.runtime.deadLetters.replay({ ids: [letter.id] }, queueFor)).toEqual({ replayed: [], skipped: [letter.id] });
    expect(await t.runtime.queue(ledger.queue)!.getJob(`dead-letter-${letter.id}`)).toBeUndefined();
    expect(posted.get(1)).toBe(1);
  });

  it('runs a failure once when the letter is replayed first and the original retried after', async () => {
    const { job, letter } = await deadJob(2);
    ledgerDown = false;
    const outcome = await t.runtime.deadLetters.replay({ ids: [letter.id] }, queueFor);
    expect(outcome.replayed.map((r) => r.id)).toEqual([letter.id]);
    const copy = await t.runtime.queue(ledger.queue)!.getJob(`dead-letter-${letter.id}`);
    await copy!.waitUntilFinished(t.events, 10_000);

    const original = await t.runtime.queue(ledger.queue)!.getJob(job.id!);
    await original!.retry('failed');
    const result = await original!.waitUntilFinished(t.events, 10_000);
    expect(result).toMatchObject({ status: 'skipped' });
    expect(result.summary).toContain(`dead letter ${letter.id} was already replayed`);
    expect(posted.get(2)).toBe(1);
    expect((await letterOf(job.id!)).status).toBe('replayed');
  });

  it('runs a failure once when the original is retried (API retry-failed) while its replay is queued', async () => {
    const { job, letter } = await deadJob(3);
    ledgerDown = false;
    const queue = t.runtime.queue(ledger.queue)!;
    await queue.pause();
    try {
      // Both re-runs queued before either starts.
      expect((await t.runtime.deadLetters.replay({ ids: [letter.id] }, queueFor)).replayed).toHaveLength(1);
      await queue.retryJobs({ state: 'failed', count: 1_000, timestamp: Date.now() });
      expect(['waiting', 'paused']).toContain(await queue.getJobState(job.id!));
    } finally {
      await queue.resume();
    }
    const [copyResult, originalResult] = await Promise.all([
      (await queue.getJob(`dead-letter-${letter.id}`))!.waitUntilFinished(t.events, 10_000),
      (await queue.getJob(job.id!))!.waitUntilFinished(t.events, 10_000),
    ]);
    expect([copyResult.status, originalResult.status].sort()).toEqual(['ok', 'skipped']);
    expect(posted.get(3)).toBe(1);
  });

  it('loses nothing when the replaying process is SIGKILLed between adding the job and claiming the letter', async () => {
    const prefix = uniquePrefix('replay-kill');
    const observer = await startRuntime({
      redisUrl,
      prefix,
      definitions: [onDemand],
      db: t.database.db,
      logger: silentLogger,
      roles: { worker: false, scheduler: false },
    });
    try {
      const [letter] = await t.database.db
        .insert(deadLetters)
        .values({
          queue: onDemand.queue,
          jobId: 'original-1',
          jobName: onDemand.queue,
          data: { n: 1 },
          opts: {},
          error: { name: 'Error', message: 'boom' },
          fingerprint: 'Error: boom',
          attemptsMade: 3,
          finishedOn: 1,
          failedAt: new Date(),
          recordedBy: 'test',
        })
        .returning();
      const replaying = startFixture('replay', {
        QUEUE_PREFIX: prefix,
        FIXTURE_TYPES: onDemand.queue,
        DATABASE_URL: t.database.url,
        LETTER_ID: String(letter!.id),
      });
      const jobId = `dead-letter-${letter!.id}`;
      expect(await replaying.waitForLine(/^REPLAY-ADDED /)).toBe(`REPLAY-ADDED ${jobId}`);
      replaying.kill('SIGKILL');
      expect(await replaying.exited).toBe('SIGKILL');

      // The job is queued and the letter still replayable: nothing lost, nothing claimed without a job.
      const queue = observer.queue(onDemand.queue)!;
      expect(await queue.getJobState(jobId)).toBe('waiting');
      expect((await observer.deadLetters.get(letter!.id))!.status).toBe('dead');

      // The operator replays again: the same job, not a second one.
      expect(await observer.deadLetters.replay({ ids: [letter!.id] }, (name) => observer.queue(name))).toEqual({
        replayed: [{ id: letter!.id, queue: onDemand.queue, jobId }],
        skipped: [],
      });
      expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 1 });
      expect(await observer.deadLetters.get(letter!.id)).toMatchObject({ status: 'replayed', replayJobId: jobId });
      expect((await observer.deadLetters.replay({ ids: [letter!.id] }, (name) => observer.queue(name))).replayed).toEqual([]);
    } finally {
      await observer.close();
      await deletePrefix(prefix);
    }
  });
});
