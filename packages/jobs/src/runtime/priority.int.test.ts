import { z } from 'zod';
import { afterAll, describe, expect, it } from 'vitest';
import { defineJob } from '../definition.js';
import { useWorkerRuntime, waitFor } from '../../test/support.js';

const started: string[] = [];
let releaseFirst: (() => void) | undefined;
const firstHeld = new Promise<void>((resolve) => {
  releaseFirst = resolve;
});

const bulk = defineJob({
  queue: 'bulk-work',
  description: 'ordinary work, plenty of it',
  concurrency: 5,
  timeoutMs: 10_000,
  input: z.object({ n: z.number() }),
  async process({ input }) {
    started.push(`bulk-${input.n}`);
    if (input.n === 0) await firstHeld;
    return { summary: 'bulk' };
  },
});

const urgent = defineJob({
  queue: 'urgent-work',
  description: 'must run ahead of everything else',
  priority: 1,
  timeoutMs: 10_000,
  input: z.object({}).loose(),
  async process() {
    started.push('urgent');
    return { summary: 'urgent' };
  },
});

describe('priorities across job types', () => {
  const t = useWorkerRuntime('priority', [bulk, urgent], { maxActiveJobs: 1 });
  // If an assertion fails while bulk-0 holds the slot, let it go so the runtime can close.
  afterAll(() => releaseFirst?.());

  it('runs the highest-priority type next when the instance is saturated, ahead of work that waited longer', async () => {
    const bulkJobs = [];
    for (let n = 0; n < 5; n++) bulkJobs.push(await t.runtime.enqueue(bulk.queue, { n }));
    // bulk-0 holds the only slot; bulk-1…4 are taken by their worker and wait for a slot.
    await waitFor(() => started.length === 1, 5_000, 'bulk-0 to start');
    await waitFor(async () => (await t.runtime.queue(bulk.queue)!.getJobCounts('active')).active === 5, 5_000, 'five active bulk jobs');
    const urgentJob = await t.runtime.enqueue(urgent.queue);
    await waitFor(async () => (await urgentJob.getState()) === 'active', 5_000, 'the urgent job to be taken');
    // Taken by its worker is not yet in line for a slot: wait until all five wait for one.
    await waitFor(() => t.runtime.jobsWaitingForSlot === 5, 5_000, 'four bulk jobs and the urgent one to wait for the slot');
    expect(started).toEqual(['bulk-0']);

    releaseFirst!();
    await Promise.all(bulkJobs.map((job) => job.waitUntilFinished(t.events, 10_000)));
    expect(started).toEqual(['bulk-0', 'urgent', 'bulk-1', 'bulk-2', 'bulk-3', 'bulk-4']);
  });
});
