import { pino } from 'pino';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineJob } from '../definition.js';
import { InvalidJobInputError, InvalidJobResultError, JobTimeoutError } from '../errors.js';
import { executeAttempt } from './executor.js';

const options = { db: {} as never, log: pino({ level: 'silent' }) };
const attempt = (data: unknown) => ({ id: '1', name: 'q', queue: 'q', data, attempt: 1, scheduledAt: new Date(0) });

describe('executeAttempt', () => {
  const echo = defineJob({
    queue: 'q',
    description: 'echo',
    timeoutMs: 500,
    input: z.object({ count: z.number().int().min(0) }),
    async process({ input, job }) {
      return { summary: `counted ${input.count} at ${job.scheduledAt.toISOString()}`, counts: { seen: input.count } };
    },
  });

  it('validates input and returns the standard result shape with a duration', async () => {
    const result = await executeAttempt(echo, attempt({ count: 3 }), options);
    expect(result).toMatchObject({ status: 'ok', summary: 'counted 3 at 1970-01-01T00:00:00.000Z', counts: { seen: 3 } });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('refuses bad input with an unrecoverable error naming the field', async () => {
    const failure = executeAttempt(echo, attempt({ count: -1 }), options);
    await expect(failure).rejects.toBeInstanceOf(InvalidJobInputError);
    await expect(failure).rejects.toThrow(/count: /);
  });

  it('refuses a result of the wrong shape', async () => {
    const broken = defineJob({ ...echo, process: async () => ({ summary: 42 as unknown as string }) });
    await expect(executeAttempt(broken, attempt({ count: 1 }), options)).rejects.toBeInstanceOf(InvalidJobResultError);
  });

  it('aborts the signal at the timeout, and fails the attempt only once a processor that ignores it has settled', async () => {
    let seen: AbortSignal | undefined;
    let stoppedAt = 0;
    const ignores = defineJob({
      ...echo,
      timeoutMs: 50,
      process: async ({ signal }) => {
        seen = signal;
        await new Promise((resolve) => setTimeout(resolve, 300));
        stoppedAt = performance.now();
        return { summary: 'finished late' };
      },
    });
    const run = executeAttempt(ignores, attempt({ count: 1 }), options);
    await expect(run).rejects.toBeInstanceOf(JobTimeoutError);
    // Settled after the processor stopped, not at the deadline: whoever waits on the attempt (BullMQ,
    // the exclusive slot, the priority slot) cannot start the next run while this one still works.
    expect(stoppedAt).toBeGreaterThan(0);
    expect(seen?.aborted).toBe(true);
  });

  it('passes an outside abort (cancellation) through to the processor', async () => {
    const controller = new AbortController();
    const waits = defineJob({
      ...echo,
      process: ({ signal }) =>
        new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true })),
    });
    const run = executeAttempt(waits, attempt({ count: 1 }), { ...options, signal: controller.signal });
    controller.abort(new Error('cancelled by operator'));
    await expect(run).rejects.toThrow('cancelled by operator');
  });
});
