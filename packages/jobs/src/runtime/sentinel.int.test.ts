// Redis with Sentinel, for real: one master, one replica and one sentinel started by this file. The
// runtime finds the master through the sentinel; mid-run the test fails the master over with
// SENTINEL FAILOVER. Every job added (an add that resolved) must complete exactly once, the scheduler
// must still be one per type, and the runtime must keep working on the new master.
import { Writable } from 'node:stream';
import { createTestDatabase, type TestDatabase } from '@bullpen/db/testing';
import { pino } from 'pino';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineJob } from '../definition.js';
import { startSentinel, type LocalSentinel } from '../testing.js';
import { uniquePrefix, waitFor } from '../../test/support.js';
import type { RedisSettings } from './connection.js';
import { startRuntime, type JobRuntime } from './runtime.js';

const runs = new Map<string, number>();
/** Every log line of the runtimes, to see what an operator would see during the switch. */
const lines: Array<{ level: number; msg: string; connection?: string }> = [];
const logger = pino(
  { level: 'info' },
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as (typeof lines)[number]);
      done();
    },
  }),
);

const work = defineJob({
  queue: 'failover-work',
  description: 'Counts its runs per job id',
  timeoutMs: 10_000,
  concurrency: 4,
  attempts: 5,
  backoff: { type: 'fixed', delay: 200 },
  input: z.object({ n: z.number().int() }),
  process: async ({ job }) => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
    return { summary: 'counted' };
  },
});

const tick = defineJob({
  queue: 'failover-tick',
  description: 'Scheduled hourly',
  timeoutMs: 5_000,
  schedule: { every: 3_600_000 },
  input: z.object({}).passthrough(),
  process: async () => ({ summary: 'tick' }),
});

describe('Redis with Sentinel', () => {
  let sentinel: LocalSentinel;
  let database: TestDatabase;
  let settings: RedisSettings;
  const runtimes: JobRuntime[] = [];
  const prefix = uniquePrefix('sentinel');

  const start = async (roles: { worker: boolean; scheduler: boolean }, instanceId: string) => {
    const runtime = await startRuntime({
      redis: settings,
      prefix,
      definitions: [work, tick],
      db: database.db,
      logger,
      instanceId,
      roles,
      drainTimeoutMs: 5_000,
      lockDurationMs: 5_000,
      stalledIntervalMs: 2_000,
      deadLetterSweepEveryMs: 3_600_000,
    });
    runtimes.push(runtime);
    return runtime;
  };

  beforeAll(async () => {
    [sentinel, database] = await Promise.all([startSentinel(), createTestDatabase()]);
    // As the README advises for Sentinel: an add counts once the replica has it.
    settings = { mode: 'sentinel', sentinels: sentinel.sentinels, name: sentinel.name, waitForReplicas: 1 };
  }, 60_000);

  afterAll(async () => {
    for (const runtime of runtimes) await runtime.close();
    await database?.drop();
    await sentinel?.stop();
  });

  it('loses no job across a failover and keeps one scheduler per type', async () => {
    const worker = await start({ worker: true, scheduler: true }, 'sentinel-worker');
    const producer = await start({ worker: false, scheduler: false }, 'sentinel-producer');

    // The producer adds jobs one after another with deterministic ids, retrying an add that failed
    // (fail-fast connection during the switch). Only an add that resolved counts as added.
    const added: string[] = [];
    let stopAdding = false;
    const adding = (async () => {
      for (let n = 0; !stopAdding; n++) {
        const jobId = `job-${n}`;
        for (let tries = 0; ; tries++) {
          try {
            await producer.enqueue(work.queue, { n }, { jobId });
            added.push(jobId);
            break;
          } catch (err) {
            if (tries > 200) throw err;
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
    })();

    await waitFor(() => runs.size >= 100, 20_000, '100 jobs to run before the failover');
    const { from, to } = await sentinel.failover();
    expect(to).not.toBe(from);
    const addedAtSwitch = added.length;
    await waitFor(() => added.length >= addedAtSwitch + 100, 30_000, '100 more jobs added on the new master');
    stopAdding = true;
    await adding;

    const queue = worker.queue(work.queue)!;
    try {
      await waitFor(() => added.every((id) => runs.has(id)), 30_000, 'every added job to run');
    } catch {
      // Say which jobs and where they are: a job lost by the switch has no state at all.
      const missing = added.filter((id) => !runs.has(id));
      const states = await Promise.all(missing.slice(0, 10).map(async (id) => `${id}: ${await queue.getJobState(id)}`));
      expect.fail(`${missing.length} of ${added.length} added jobs never ran (${states.join(', ')}); counts ${JSON.stringify(await queue.getJobCounts())}`);
    }
    await waitFor(async () => (await queue.getJobCounts('completed')).completed === added.length, 15_000, 'every job completed in Redis');
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
    expect(counts).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0, completed: added.length });
    // Completed exactly once each: BullMQ's completed set holds every added id, and nothing else.
    const completedIds = (await queue.getCompleted(0, added.length)).map((job) => job.id!);
    expect(completedIds.sort()).toEqual([...added].sort());
    expect(added.length).toBeGreaterThanOrEqual(200);

    // Schedulers written before the switch survived it; a new scheduler-role instance on the new master
    // reconciles to the same single one.
    await start({ worker: false, scheduler: true }, 'sentinel-scheduler');
    const schedulers = await worker.queue(tick.queue)!.getJobSchedulers();
    expect(schedulers.map((s) => s.key)).toEqual([tick.queue]);
    expect(await sentinel.masterPort()).toBe(to);

    // The switch shows in the logs as losses (warn) each followed by a recovery (info), per connection.
    for (const connection of ['redis-producer', 'redis-worker']) {
      const own = lines.filter((l) => l.connection === connection && l.level >= 30);
      expect(own.length).toBeGreaterThan(0);
      expect(own.at(-1)!.msg).toMatch(new RegExp(`^${connection} connection recovered after \\d+ ms$`));
    }
  }, 90_000);
});
