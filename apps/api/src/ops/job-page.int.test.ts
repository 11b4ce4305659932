import { randomBytes } from 'node:crypto';
import { createRedis, defaultMasker, JOB_STATES } from '@bullpen/jobs';
import { deleteKeysUnder } from '@bullpen/jobs/testing';
import { Queue, QueueEvents, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testRedisUrl } from '../test-harness.js';
import { readJobPage } from './job-page.js';
import { jobSummary } from './job-view.js';

// The page reader reads only the summary's fields; what it returns must be what BullMQ's getJobs and
// jobSummary give for the same page, in every state, for the first, a middle and a past-the-end page.
describe('readJobPage', () => {
  const prefix = `bppage-${randomBytes(4).toString('hex')}`;
  let redis: Redis;
  let queue: Queue;

  beforeAll(async () => {
    redis = createRedis(testRedisUrl, 'worker');
    queue = new Queue('paged', { connection: redis, prefix });
    const events = new QueueEvents('paged', { connection: redis.duplicate(), prefix });
    await events.waitUntilReady();
    const finished = new Promise<void>((resolve) => {
      let n = 0;
      const count = () => (++n === 30 ? resolve() : undefined);
      events.on('completed', count);
      events.on('failed', count);
    });
    await queue.addBulk(
      Array.from({ length: 30 }, (_, i) => ({ name: i % 2 ? 'odd' : 'even', data: { i, token: 'secret-value', nested: { password: 'p' } }, opts: { attempts: 1, priority: i % 3 } })),
    );
    const worker = new Worker(
      'paged',
      async (job: Job) => {
        await job.updateProgress({ step: job.data.i, apiKey: 'k' });
        if (job.data.i % 3 === 0) throw new Error(`refused ${job.data.i}`);
        return { ok: true };
      },
      { connection: redis, prefix, concurrency: 5 },
    );
    await finished;
    await worker.close();
    await events.close();
    await queue.addBulk(Array.from({ length: 7 }, (_, i) => ({ name: 'later', data: { i }, opts: { delay: 60_000 + i } })));
    await queue.pause();
    await queue.addBulk(Array.from({ length: 9 }, (_, i) => ({ name: 'waiting', data: { i } })));
  });
  afterAll(async () => {
    await queue.close();
    await deleteKeysUnder(redis, prefix);
    redis.disconnect();
  });

  it('returns exactly what getJobs and jobSummary return, in every state and page', async () => {
    let compared = 0;
    for (const state of JOB_STATES) {
      for (const [start, end] of [[0, 4], [5, 9], [1_000, 1_049]] as const) {
        const expected = (await queue.getJobs([state], start, end, false)).filter(Boolean).map((job) => jobSummary(job, defaultMasker));
        const page = await readJobPage(redis, queue, state, start, end, defaultMasker);
        expect(JSON.parse(JSON.stringify(page))).toEqual(JSON.parse(JSON.stringify(expected)));
        compared += expected.length;
      }
    }
    // The pages were not all empty: failed, completed, delayed and waiting jobs were compared.
    expect(compared).toBeGreaterThanOrEqual(30);
    expect((await readJobPage(redis, queue, 'failed', 0, 0, defaultMasker))[0]).toMatchObject({ failedReason: expect.stringMatching(/^refused/), data: { token: '[masked]' } });
  });
});
