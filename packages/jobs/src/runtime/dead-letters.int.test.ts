import { deadLetters } from '@bullpen/db';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { afterEach, describe, expect, it } from 'vitest';
import { defineJob } from '../definition.js';
import { alwaysFails } from '../../test/fixtures/definitions.js';
import { deletePrefix, redisUrl, silentLogger, startFixture, stopAllFixtures, uniquePrefix, useWorkerRuntime, waitFor } from '../../test/support.js';
import { startRuntime, type RuntimeEvent } from './runtime.js';

const BACKOFF_MS = 200;

/** When each attempt of `flaky-ledger` started, and whether attempts should fail. */
const attemptsAt: number[] = [];
let ledgerDown = true;

const flakyLedger = defineJob({
  queue: 'flaky-ledger',
  description: 'fails while the ledger is down',
  attempts: 3,
  backoff: { type: 'fixed', delay: BACKOFF_MS },
  timeoutMs: 2_000,
  // A high threshold: this test is about retries, not the breaker.
  breaker: { threshold: 100 },
  input: z.object({ account: z.number().int() }),
  async process({ input }) {
    attemptsAt.push(Date.now());
    if (ledgerDown) {
      throw new Error(`ledger unavailable for account ${input.account}`, {
        cause: Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' }),
      });
    }
    return { summary: `posted account ${input.account}`, counts: { posted: 1 } };
  },
});

describe('dead letters', () => {
  const t = useWorkerRuntime('dead-letters', [flakyLedger]);
  afterEach(stopAllFixtures);

  const lettersFor = (jobId: string, queue: string = flakyLedger.queue) =>
    t.database.db.select().from(deadLetters).where(and(eq(deadLetters.queue, queue), eq(deadLetters.jobId, jobId)));

  it('retries a failing job with its backoff, then records exactly one dead letter with the whole error', async () => {
    attemptsAt.length = 0;
    ledgerDown = true;
    const job = await t.runtime.enqueue(flakyLedger.queue, { account: 7 });
    await expect(job.waitUntilFinished(t.events, 15_000)).rejects.toThrow('ledger unavailable for account 7');

    expect(attemptsAt).toHaveLength(3);
    for (let i = 1; i < attemptsAt.length; i++) {
      expect(attemptsAt[i]! - attemptsAt[i - 1]!).toBeGreaterThanOrEqual(BACKOFF_MS);
    }
    const letters = await waitFor(async () => {
      const rows = await lettersFor(job.id!);
      return rows.length > 0 ? rows : undefined;
    }, 10_000, 'the dead letter');
    expect(letters).toHaveLength(1);
    const [letter] = letters;
    expect(letter).toMatchObject({ queue: 'flaky-ledger', jobName: 'flaky-ledger', attemptsMade: 3, status: 'dead', data: { account: 7 } });
    expect(letter!.error).toMatchObject({
      name: 'Error',
      message: 'ledger unavailable for account 7',
      cause: { name: 'Error', message: 'connection refused', code: 'ECONNREFUSED' },
    });
    expect(letter!.error.stack).toContain('ledger unavailable');
    expect(letter!.fingerprint).toBe('Error: ledger unavailable for account <n>');

    // The reconciler finds the same job in BullMQ's failed set and adds nothing.
    expect(await t.runtime.reconcileDeadLetters()).toBe(0);
    expect(await lettersFor(job.id!)).toHaveLength(1);
  });

  it('replays a dead letter onto its queue, where it completes', async () => {
    attemptsAt.length = 0;
    ledgerDown = true;
    const job = await t.runtime.enqueue(flakyLedger.queue, { account: 8 });
    await expect(job.waitUntilFinished(t.events, 15_000)).rejects.toThrow();
    const [letter] = await waitFor(async () => {
      const rows = await lettersFor(job.id!);
      return rows.length > 0 ? rows : undefined;
    }, 10_000, 'the dead letter');

    ledgerDown = false;
    const outcome = await t.runtime.deadLetters.replay({ ids: [letter!.id] }, (name) => t.runtime.queue(name));
    expect(outcome.replayed).toEqual([{ id: letter!.id, queue: 'flaky-ledger', jobId: `dead-letter-${letter!.id}` }]);
    const replayed = await t.runtime.queue(flakyLedger.queue)!.getJob(`dead-letter-${letter!.id}`);
    expect(await replayed!.waitUntilFinished(t.events, 15_000)).toMatchObject({ status: 'ok', summary: 'posted account 8' });

    const [after] = await lettersFor(job.id!);
    expect(after).toMatchObject({ status: 'replayed', replayJobId: `dead-letter-${letter!.id}` });
    // Replaying again is refused: the letter is no longer dead.
    const again = await t.runtime.deadLetters.replay({ ids: [letter!.id] }, (name) => t.runtime.queue(name));
    expect(again).toEqual({ replayed: [], skipped: [letter!.id] });
  });

  it('still ends with exactly one dead letter when the process is SIGKILLed between the final failure and the write', async () => {
    const killPrefix = uniquePrefix('dead-letters-kill');
    try {
      const instance = startFixture('instance', {
        QUEUE_PREFIX: killPrefix,
        FIXTURE_TYPES: 'always-fails',
        ROLES: 'worker',
        DATABASE_URL: t.database.url,
        BLOCK_DEAD_LETTER: '1',
      });
      await instance.waitForLine(/^READY$/);
      const events: RuntimeEvent[] = [];
      const recovering = await startRuntime({
        redisUrl,
        prefix: killPrefix,
        definitions: [alwaysFails],
        db: t.database.db,
        logger: silentLogger,
        roles: { worker: false, scheduler: false },
        onEvent: (event) => events.push(event),
      });
      try {
        const job = await recovering.enqueue('always-fails', {});
        const line = await instance.waitForLine(/^DEAD-LETTER-PENDING /);
        expect(line).toBe(`DEAD-LETTER-PENDING ${job.id}`);
        instance.kill('SIGKILL');
        expect(await instance.exited).toBe('SIGKILL');

        expect(await lettersFor(job.id!, 'always-fails')).toHaveLength(0);
        expect(await recovering.queue('always-fails')!.getJobState(job.id!)).toBe('failed');

        expect(await recovering.reconcileDeadLetters()).toBe(1);
        expect(await recovering.reconcileDeadLetters()).toBe(0);
        const letters = await lettersFor(job.id!, 'always-fails');
        expect(letters).toHaveLength(1);
        expect(letters[0]).toMatchObject({ queue: 'always-fails', attemptsMade: 3, status: 'dead' });
        expect(letters[0]!.recordedBy).toMatch(/reconciler$/);
        expect(letters[0]!.error).toMatchObject({ name: 'Error', message: 'ledger unavailable' });
        // Alerts hear of it as of any dead letter, grouped as stored.
        expect(events.filter((e) => e.type === 'dead-letter')).toEqual([
          { type: 'dead-letter', queue: 'always-fails', jobId: job.id, error: expect.objectContaining({ message: 'ledger unavailable' }), fingerprint: letters[0]!.fingerprint, at: expect.any(Number) },
        ]);
      } finally {
        await recovering.close();
      }
    } finally {
      await deletePrefix(killPrefix);
    }
  });
});
