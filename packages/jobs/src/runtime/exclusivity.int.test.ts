import type { TestDatabase } from '@bullpen/db/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { deletePrefix, startFixture, uniquePrefix, useFixtureEnvironment, waitFor } from '../../test/support.js';

const JOBS = 200;
const WORKERS = 3;
const WAVE = 10;

interface Run {
  start: number;
  end: number;
  worker: string;
}

/** Runs `JOBS` jobs of `type` through `WORKERS` worker processes and returns the recorded runs. */
async function runThroughWorkers(type: 'exclusive-work' | 'shared-work', database: TestDatabase, redis: Redis) {
  const prefix = uniquePrefix(`exclusivity-${type}`);
  try {
    const workers = Array.from({ length: WORKERS }, (_, i) =>
      startFixture('instance', { QUEUE_PREFIX: prefix, FIXTURE_TYPES: type, ROLES: 'worker', DATABASE_URL: database.url, INSTANCE_ID: `w${i}` }),
    );
    await Promise.all(workers.map((w) => w.waitForLine(/^READY$/)));
    const queue = new Queue(type, { connection: redis, prefix });
    // In waves: a worker that finishes a job fetches the next one itself, so a single burst would
    // mostly go to one process. Between waves every worker is idle and any of them may win.
    for (let wave = 0; wave < JOBS / WAVE; wave++) {
      await queue.addBulk(Array.from({ length: WAVE }, (_, i) => ({ name: type, data: { ms: 5 + (i % 5) } })));
      const target = (wave + 1) * WAVE;
      await waitFor(async () => (await queue.getJobCounts('completed')).completed === target, 30_000, `${target} completed jobs`);
    }
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
    await queue.close();

    const key = `${prefix}:test:${type}`;
    const runs = (await redis.lrange(`${key}:intervals`, 0, -1)).map((s): Run => {
      const [start, end, worker] = s.split(',');
      return { start: Number(start), end: Number(end), worker: worker! };
    });
    const overlapsCounted = Number((await redis.get(`${key}:overlaps`)) ?? 0);
    return { runs, overlapsCounted };
  } finally {
    await deletePrefix(prefix);
  }
}

/** Pairs of runs whose intervals intersect, after sorting by start. */
function overlappingPairs(runs: Run[]): number {
  const sorted = [...runs].sort((a, b) => a.start - b.start);
  let pairs = 0;
  let latestEnd = -Infinity;
  for (const run of sorted) {
    if (run.start < latestEnd) pairs += 1;
    latestEnd = Math.max(latestEnd, run.end);
  }
  return pairs;
}

describe('exclusive job types', () => {
  const fixtures = useFixtureEnvironment();

  it(`never overlap: ${JOBS} jobs through ${WORKERS} worker processes`, async () => {
    const { runs, overlapsCounted } = await runThroughWorkers('exclusive-work', fixtures.database, fixtures.redis);
    expect(runs).toHaveLength(JOBS);
    // The work really was spread over several processes; exclusivity held across them.
    expect(new Set(runs.map((r) => r.worker)).size).toBeGreaterThan(1);
    expect(overlapsCounted).toBe(0);
    expect(overlappingPairs(runs)).toBe(0);
  }, 180_000);

  it('a run past its timeout that ignores its signal keeps the slot: neither its retry nor other jobs overlap it on another process', async () => {
    const type = 'exclusive-ignores-deadline';
    const prefix = uniquePrefix('exclusivity-deadline');
    try {
      const workers = ['w0', 'w1'].map((id) =>
        startFixture('instance', { QUEUE_PREFIX: prefix, FIXTURE_TYPES: type, ROLES: 'worker', DATABASE_URL: fixtures.database.url, INSTANCE_ID: id }),
      );
      await Promise.all(workers.map((w) => w.waitForLine(/^READY$/)));
      const queue = new Queue(type, { connection: fixtures.redis, prefix });
      // Added with the plain queue, so with the type's attempts and backoff spelled out.
      await queue.addBulk([1, 2, 3].map(() => ({ name: type, data: {}, opts: { attempts: 2, backoff: { type: 'fixed', delay: 1 } } })));
      // Each job: a first run of 1.5 s that times out at 300 ms, then a quick retry.
      await waitFor(async () => (await queue.getJobCounts('completed')).completed === 3, 30_000, '3 completed jobs');
      await queue.close();
      const key = `${prefix}:test:${type}`;
      // Every run has ended (and recorded itself), the first runs of each job included.
      await waitFor(async () => (await fixtures.redis.llen(`${key}:intervals`)) === 6, 10_000, 'six recorded runs');
      const runs = (await fixtures.redis.lrange(`${key}:intervals`, 0, -1)).map((s): Run => {
        const [start, end, worker] = s.split(',');
        return { start: Number(start), end: Number(end), worker: worker! };
      });
      expect(runs).toHaveLength(6);
      expect(Number((await fixtures.redis.get(`${key}:overlaps`)) ?? 0)).toBe(0);
      expect(overlappingPairs(runs)).toBe(0);
    } finally {
      await deletePrefix(prefix);
    }
  }, 60_000);

  it('the overlap recorder does see overlaps when the same type is not exclusive (control)', async () => {
    const { runs, overlapsCounted } = await runThroughWorkers('shared-work', fixtures.database, fixtures.redis);
    expect(runs).toHaveLength(JOBS);
    expect(overlapsCounted).toBeGreaterThan(0);
    expect(overlappingPairs(runs)).toBeGreaterThan(0);
  }, 180_000);
});
