import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { queuePrefix } from './keys.js';
import { deletePrefix, startFixture, uniquePrefix, useFixtureEnvironment, waitFor } from '../../test/support.js';

const JOBS = 3;

describe('graceful shutdown', () => {
  const fixtures = useFixtureEnvironment();
  const prefixes: string[] = [];
  afterAll(async () => {
    for (const prefix of prefixes) await deletePrefix(prefix);
  });

  async function startWithActiveJobs(env: Record<string, string>, jobMs: number) {
    const prefix = uniquePrefix('shutdown');
    prefixes.push(prefix);
    const instance = startFixture('instance', { QUEUE_PREFIX: prefix, FIXTURE_TYPES: 'slow-work', ROLES: 'worker', DATABASE_URL: fixtures.database.url, ...env });
    await instance.waitForLine(/^READY$/);
    const queue = new Queue('slow-work', { connection: fixtures.redis, prefix: queuePrefix(prefix, 'slow-work') });
    const jobs = await queue.addBulk(Array.from({ length: JOBS }, () => ({ name: 'slow-work', data: { ms: jobMs } })));
    await Promise.all(jobs.map((job) => instance.waitForLine(new RegExp(`^STARTED ${job.id}$`))));
    return { prefix, instance, queue, jobs };
  }

  it('on SIGTERM lets active jobs finish within the drain timeout, then exits 0', async () => {
    const { instance, queue, jobs } = await startWithActiveJobs({ DRAIN_TIMEOUT_MS: '10000' }, 1_500);
    const signalled = Date.now();
    instance.kill('SIGTERM');
    expect(await instance.exited).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(10_000);
    expect(instance.lines).toContain('CLOSED drained=true');
    for (const job of jobs) {
      expect(instance.lines).toContain(`FINISHED ${job.id}`);
      expect(await queue.getJobState(job.id!)).toBe('completed');
    }
    await queue.close();
  });

  it('exits 0 at the drain deadline when jobs run longer, and another instance recovers every one of them', async () => {
    const DRAIN_MS = 1_000;
    const { prefix, instance, queue, jobs } = await startWithActiveJobs(
      { DRAIN_TIMEOUT_MS: String(DRAIN_MS), LOCK_DURATION_MS: '2000', STALLED_INTERVAL_MS: '1000' },
      30_000,
    );
    const signalled = Date.now();
    instance.kill('SIGTERM');
    expect(await instance.exited).toBe(0);
    const took = Date.now() - signalled;
    expect(took).toBeGreaterThanOrEqual(DRAIN_MS);
    expect(took).toBeLessThan(DRAIN_MS + 5_000);
    expect(instance.lines).toContain('CLOSED drained=false');
    expect(instance.lines.filter((l) => l.startsWith('FINISHED'))).toEqual([]);
    // Still marked active by the process that is gone.
    expect((await queue.getJobCounts('active')).active).toBe(JOBS);

    const recovering = startFixture('instance', {
      QUEUE_PREFIX: prefix,
      FIXTURE_TYPES: 'slow-work',
      ROLES: 'worker',
      DATABASE_URL: fixtures.database.url,
      LOCK_DURATION_MS: '2000',
      STALLED_INTERVAL_MS: '1000',
      FAST: '1',
    });
    await recovering.waitForLine(/^READY$/);
    await waitFor(async () => (await queue.getJobCounts('completed')).completed === JOBS, 30_000, 'every job to be recovered and completed');
    for (const job of jobs) expect(await queue.getJobState(job.id!)).toBe('completed');
    expect((await queue.getJobCounts('failed', 'active', 'waiting', 'delayed'))).toEqual({ failed: 0, active: 0, waiting: 0, delayed: 0 });
    recovering.kill('SIGTERM');
    expect(await recovering.exited).toBe(0);
    await queue.close();
  });
});
