import { deadLetters } from '@bullpen/db';
import { createTestDatabase, type TestDatabase } from '@bullpen/db/testing';
import { QueueEvents } from 'bullmq';
import { eq } from 'drizzle-orm';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineJob } from '../definition.js';
import { JobTimeoutError } from '../errors.js';
import { deletePrefix, redisUrl, silentLogger, uniquePrefix, waitFor } from '../../test/support.js';
import { startRuntime, type JobRuntime } from './runtime.js';

const prefix = uniquePrefix('timeout');
const TIMEOUT_MS = 300;
let signalSeen: AbortSignal | undefined;

const ignoresTime = defineJob({
  queue: 'ignores-time',
  description: 'sleeps far past its timeout without looking at its signal',
  attempts: 1,
  timeoutMs: TIMEOUT_MS,
  input: z.object({}).loose(),
  async process({ signal }) {
    signalSeen = signal;
    await sleep(5_000);
    return { summary: 'should never get here' };
  },
});

describe('timeouts', () => {
  let database: TestDatabase;
  let runtime: JobRuntime;
  let events: QueueEvents;
  beforeAll(async () => {
    database = await createTestDatabase();
    runtime = await startRuntime({ redisUrl, prefix, definitions: [ignoresTime], db: database.db, logger: silentLogger, roles: { worker: true, scheduler: false } });
    events = new QueueEvents(ignoresTime.queue, { connection: { url: redisUrl }, prefix });
    await events.waitUntilReady();
  });
  afterAll(async () => {
    await events?.close();
    await runtime?.close();
    await database?.drop();
    await deletePrefix(prefix);
  });

  it('aborts a processor that ignores time at its timeout and fails the attempt with a timeout error', async () => {
    const job = await runtime.enqueue(ignoresTime.queue);
    const started = Date.now();
    await expect(job.waitUntilFinished(events, 4_000)).rejects.toThrow(`exceeded its ${TIMEOUT_MS} ms timeout`);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS);
    expect(elapsed).toBeLessThan(3_000);
    // The processor's signal fired with the timeout as its reason.
    expect(signalSeen?.aborted).toBe(true);
    expect(signalSeen?.reason).toBeInstanceOf(JobTimeoutError);

    const [letter] = await waitFor(
      () => database.db.select().from(deadLetters).where(eq(deadLetters.jobId, job.id!)).then((rows) => (rows.length ? rows : undefined)),
      5_000,
      'the dead letter',
    );
    expect(letter!.error).toMatchObject({ name: 'JobTimeoutError', code: 'JOB_TIMEOUT' });
  });
});
