// Throughput of a no-op job through the full Bullpen runtime (input validation, timeout signal,
// breaker, priority slots, result check, dead-letter wiring) against a bare BullMQ Worker, on the
// same Redis, with the same job options and the same BullMQ worker features (per-minute metrics, which
// the runtime's statistics need), at concurrency 1, 10 and 50. What the ratio measures is what Bullpen
// adds on top of BullMQ. Rounds alternate between the two so that drift in the machine affects both
// alike; the best round of each is reported.
import { randomBytes } from 'node:crypto';
import { createTestDatabase } from '@bullpen/db/testing';
import { defineJob, queuePrefix, startRuntime, type AnyJobDefinition } from '@bullpen/jobs';
import { deleteKeysUnder } from '@bullpen/jobs/testing';
import { MetricsTime, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { z } from 'zod';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CONCURRENCIES = [1, 10, 50] as const;
const JOBS: Record<(typeof CONCURRENCIES)[number], number> = { 1: 5_000, 10: 20_000, 50: 40_000 };
const ROUNDS = 3;
const QUEUE_NAME = 'bench-noop';

let done = 0;
let target = 0;
let finish: (() => void) | undefined;
function completed(): void {
  done += 1;
  if (done === target) finish?.();
}
function allDone(n: number): Promise<void> {
  done = 0;
  target = n;
  return new Promise((resolve) => {
    finish = resolve;
  });
}

const noop = defineJob({
  queue: QUEUE_NAME,
  description: 'does nothing',
  timeoutMs: 10_000,
  concurrency: 1,
  input: z.object({ n: z.number().int() }),
  async process() {
    completed();
    return { summary: 'nothing' };
  },
});

/** Fills a paused queue, so that workers can start and get ready before the clock starts. */
async function fill(redis: Redis, prefix: string, jobs: number, options: object): Promise<Queue> {
  const queue = new Queue(QUEUE_NAME, { connection: redis, prefix: queuePrefix(prefix, QUEUE_NAME) });
  await queue.pause();
  for (let i = 0; i < jobs; i += 1_000) {
    await queue.addBulk(Array.from({ length: Math.min(1_000, jobs - i) }, (_, k) => ({ name: QUEUE_NAME, data: { n: i + k }, opts: options })));
  }
  return queue;
}

export async function run(): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const database = await createTestDatabase();
  const logger = pino({ level: 'warn' });
  const results: Array<{ concurrency: number; jobs: number; bare: number; runtime: number }> = [];
  try {
    for (const concurrency of CONCURRENCIES) {
      const jobs = JOBS[concurrency];
      const definition: AnyJobDefinition = { ...noop, concurrency };
      let bestBare = 0;
      let bestRuntime = 0;
      for (let round = 0; round < ROUNDS; round++) {
        // Bare BullMQ worker: same Redis, same job options and metrics as the runtime's workers.
        {
          const prefix = `bench-bare-${randomBytes(3).toString('hex')}`;
          const options = { removeOnComplete: { age: 86_400, count: 1_000 }, removeOnFail: { age: 1_209_600, count: 10_000 }, attempts: 3 };
          const queue = await fill(redis, prefix, jobs, options);
          const worker = new Worker(QUEUE_NAME, async () => completed(), {
            connection: redis,
            prefix: queuePrefix(prefix, QUEUE_NAME),
            concurrency,
            metrics: { maxDataPoints: MetricsTime.ONE_WEEK },
          });
          await worker.waitUntilReady();
          const finished = allDone(jobs);
          const started = performance.now();
          await queue.resume();
          await finished;
          const seconds = (performance.now() - started) / 1000;
          await worker.close();
          await queue.close();
          await deleteKeysUnder(redis, prefix);
          bestBare = Math.max(bestBare, jobs / seconds);
        }
        // The full runtime.
        {
          const prefix = `bench-runtime-${randomBytes(3).toString('hex')}`;
          const setup = await startRuntime({ redisUrl, prefix, definitions: [definition], db: database.db, logger, roles: { worker: false, scheduler: false } });
          const options = setup.jobOptions(definition);
          await setup.close();
          const queue = await fill(redis, prefix, jobs, options);
          const runtime = await startRuntime({
            redisUrl,
            prefix,
            definitions: [definition],
            db: database.db,
            logger,
            roles: { worker: true, scheduler: false },
            maxActiveJobs: 64,
          });
          const finished = allDone(jobs);
          const started = performance.now();
          await queue.resume();
          await finished;
          const seconds = (performance.now() - started) / 1000;
          await runtime.close();
          await queue.close();
          await deleteKeysUnder(redis, prefix);
          bestRuntime = Math.max(bestRuntime, jobs / seconds);
        }
      }
      results.push({ concurrency, jobs, bare: bestBare, runtime: bestRuntime });
    }
  } finally {
    redis.disconnect();
    await database.drop();
  }

  console.log('no-op jobs/s, best of %d rounds; the clock starts when the filled queue is resumed', ROUNDS);
  console.log('concurrency   jobs    bare BullMQ   Bullpen runtime   ratio (runtime / bare)');
  for (const r of results) {
    console.log(
      `${String(r.concurrency).padStart(11)} ${String(r.jobs).padStart(6)} ${r.bare.toFixed(0).padStart(13)} ${r.runtime.toFixed(0).padStart(17)} ${(r.runtime / r.bare).toFixed(2).padStart(24)}`,
    );
  }
}
