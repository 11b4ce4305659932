import { deadLetters } from '@bullpen/db';
import { eq } from 'drizzle-orm';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineJob } from '../definition.js';
import { JobTimeoutError } from '../errors.js';
import { useWorkerRuntime, waitFor } from '../../test/support.js';

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
  const t = useWorkerRuntime('timeout', [ignoresTime]);

  it('aborts a processor that ignores time at its timeout and fails the attempt with a timeout error', async () => {
    const job = await t.runtime.enqueue(ignoresTime.queue);
    const started = Date.now();
    await expect(job.waitUntilFinished(t.events, 4_000)).rejects.toThrow(`exceeded its ${TIMEOUT_MS} ms timeout`);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS);
    expect(elapsed).toBeLessThan(3_000);
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
});
