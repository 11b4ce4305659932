import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineJob } from '../definition.js';
import { useWorkerRuntime, waitFor } from '../../test/support.js';

const THRESHOLD = 3;
const HALF_OPEN_AFTER_MS = 1_500;

let dependencyUp = false;
/** Processor calls per job id: proves that waiting jobs did not run (or use attempts) while open. */
const calls = new Map<string, number>();

const paymentSync = defineJob({
  queue: 'payment-sync',
  description: 'talks to a dependency that goes down',
  attempts: 2,
  backoff: { type: 'fixed', delay: 50 },
  timeoutMs: 2_000,
  concurrency: 1,
  breaker: { threshold: THRESHOLD, halfOpenAfterMs: HALF_OPEN_AFTER_MS },
  input: z.object({ n: z.number() }),
  async process({ job }) {
    calls.set(job.id, (calls.get(job.id) ?? 0) + 1);
    if (!dependencyUp) throw new Error('payment provider is down');
    return { summary: 'synced' };
  },
});

describe('circuit breaker', () => {
  const t = useWorkerRuntime('breaker', [paymentSync]);

  const breaker = () => t.runtime.breakerStates().find((b) => b.queue === paymentSync.queue)!;

  it(`opens after ${THRESHOLD} consecutive failures, holds jobs without using attempts, and closes after a successful probe`, async () => {
    // Two jobs × two attempts: the third failure opens the breaker, so the fourth attempt never runs.
    const failing = await Promise.all([t.runtime.enqueue(paymentSync.queue, { n: 1 }), t.runtime.enqueue(paymentSync.queue, { n: 2 })]);
    await waitFor(() => breaker().state === 'open', 10_000, 'the breaker to open');
    expect(breaker().failures).toBe(THRESHOLD);
    const openedAt = breaker().openedAt!;

    // Jobs added while open wait in the queue: no processor call, no attempt used.
    const waiting = await Promise.all([3, 4, 5].map((n) => t.runtime.enqueue(paymentSync.queue, { n })));
    const queue = t.runtime.queue(paymentSync.queue)!;
    await waitFor(async () => (await queue.getJobCounts('active')).active === 0, 5_000, 'no active job');
    for (const job of waiting) {
      expect(calls.get(job.id!) ?? 0).toBe(0);
      expect((await queue.getJob(job.id!))!.attemptsMade).toBe(0);
    }
    // The failing jobs were cut short too: three attempts ran of the four they had.
    expect(failing.reduce((n, job) => n + (calls.get(job.id!) ?? 0), 0)).toBe(THRESHOLD);
    expect(Date.now() - openedAt).toBeLessThan(HALF_OPEN_AFTER_MS);
    expect(breaker().state).toBe('open');

    // The dependency recovers; after the cool-down one probe runs, succeeds and closes the breaker.
    dependencyUp = true;
    await waitFor(() => breaker().state === 'closed', 10_000, 'the breaker to close');
    const results = await Promise.all(waiting.map((job) => job.waitUntilFinished(t.events, 10_000)));
    expect(results.map((r: { status: string }) => r.status)).toEqual(['ok', 'ok', 'ok']);
    for (const job of waiting) expect(calls.get(job.id!)).toBe(1);
    // No job was run before the cool-down ended.
    const firstProbe = Math.min(...(await Promise.all(waiting.map(async (j) => (await queue.getJob(j.id!))!.processedOn!))));
    expect(firstProbe - openedAt).toBeGreaterThanOrEqual(HALF_OPEN_AFTER_MS - 50);
  });

  it('can be reset by an operator, closing it at once', async () => {
    dependencyUp = false;
    await Promise.all([6, 7].map((n) => t.runtime.enqueue(paymentSync.queue, { n })));
    await waitFor(() => breaker().state === 'open', 10_000, 'the breaker to open');
    expect((await t.runtime.clusterBreakerStates()).filter((b) => b.queue === paymentSync.queue && b.state === 'open')).toHaveLength(1);
    dependencyUp = true;
    await t.runtime.resetBreaker(paymentSync.queue);
    expect(breaker()).toMatchObject({ state: 'closed', failures: 0, openedAt: null });
    expect(await t.runtime.clusterBreakerStates()).toEqual([]);
  });
});
