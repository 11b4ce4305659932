import { createTestDatabase, type TestDatabase } from '@bullpen/db/testing';
import { QueueEvents } from 'bullmq';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineJob } from '../definition.js';
import { deletePrefix, redisUrl, silentLogger, uniquePrefix, waitFor } from '../../test/support.js';
import { startRuntime, type JobRuntime } from './runtime.js';

const prefix = uniquePrefix('priority');
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
  let database: TestDatabase;
  let runtime: JobRuntime;
  let events: QueueEvents;
  beforeAll(async () => {
    database = await createTestDatabase();
    runtime = await startRuntime({
      redisUrl,
      prefix,
      definitions: [bulk, urgent],
      db: database.db,
      logger: silentLogger,
      roles: { worker: true, scheduler: false },
      maxActiveJobs: 1,
    });
    events = new QueueEvents(bulk.queue, { connection: { url: redisUrl }, prefix });
    await events.waitUntilReady();
  });
  afterAll(async () => {
    releaseFirst?.();
    await events?.close();
    await runtime?.close();
    await database?.drop();
    await deletePrefix(prefix);
  });

  it('runs the highest-priority type next when the instance is saturated, ahead of work that waited longer', async () => {
    const bulkJobs = [];
    for (let n = 0; n < 5; n++) bulkJobs.push(await runtime.enqueue(bulk.queue, { n }));
    // bulk-0 holds the only slot; bulk-1…4 are taken by their worker and wait for a slot.
    await waitFor(() => started.length === 1, 5_000, 'bulk-0 to start');
    await waitFor(async () => (await runtime.queue(bulk.queue)!.getJobCounts('active')).active === 5, 5_000, 'five active bulk jobs');
    const urgentJob = await runtime.enqueue(urgent.queue);
    await waitFor(async () => (await urgentJob.getState()) === 'active', 5_000, 'the urgent job to be taken');
    expect(started).toEqual(['bulk-0']);

    releaseFirst!();
    await Promise.all(bulkJobs.map((job) => job.waitUntilFinished(events, 10_000)));
    expect(started).toEqual(['bulk-0', 'urgent', 'bulk-1', 'bulk-2', 'bulk-3', 'bulk-4']);
  });
});
