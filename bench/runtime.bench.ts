// Throughput of a no-op job through the full Bullpen runtime (input validation, timeout signal,
// breaker, priority slots, result check, dead-letter wiring) against a bare BullMQ Worker, on the
// same Redis, with the same job options and the same BullMQ worker features (per-minute metrics, which
// the runtime's statistics need), at concurrency 1, 10 and 50. What the ratio measures is what Bullpen
// adds on top of BullMQ.
//
// Each round runs the bare worker, then the runtime, back to back, and its ratio compares those two
// runs; the figure reported is the median ratio over the rounds, with the median rates and the
// median CPU time per job of this process (robust on a shared machine, where wall-clock rates are
// not). On this 2-core VM a single round's rate moves by ±30 % from one second to the next, whatever
// runs: a best-of-N per side compared the luckiest bare round with the luckiest runtime round, and
// gave ratios from 0.73 to 1.02 for the same code. Ends with a CPU profile of each side at
// concurrency 10.
//
// The benchmarks run the built packages (dist/, as `npm run serve` does), not the TypeScript sources
// through tsx: tsx's transform wraps every closure in a naming helper, and in a CPU profile of 100,000
// no-op attempts the executor took 2.4× the CPU from source that it takes from dist/.
import { randomBytes } from 'node:crypto';
import type { Database } from '@bullpen/db';
import { createTestDatabase } from '@bullpen/db/testing';
import { defineJob, queuePrefix, startRuntime, type AnyJobDefinition } from '@bullpen/jobs';
import { deleteKeysUnder } from '@bullpen/jobs/testing';
import { MetricsTime, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import { z } from 'zod';
import { profile, printProfile, type ProfileSummary } from './support/cpu-profile.js';
import { percentile } from './support/latency.js';

const median = (values: readonly number[]) => percentile(values, 50);

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CONCURRENCIES = [1, 10, 50] as const;
const JOBS: Record<(typeof CONCURRENCIES)[number], number> = { 1: 5_000, 10: 20_000, 50: 40_000 };
const ROUNDS = 7;
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

interface Round {
  /** Jobs per second, from resume to the last completion. */
  rate: number;
  /** CPU time of this process (worker, its Redis clients, the processor) per job, in µs. */
  cpuPerJob: number;
  profile?: ProfileSummary;
}

/** Times `jobs` no-op jobs from the moment `queue` is resumed; with `profiled`, under the CPU profiler. */
async function timeRound(queue: Queue, jobs: number, profiled: boolean): Promise<Round> {
  const finished = allDone(jobs);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const work = async () => {
    await queue.resume();
    await finished;
  };
  const summary = profiled ? (await profile(work, 15)).summary : (await work(), undefined);
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { rate: jobs / seconds, cpuPerJob: (used.user + used.system) / jobs, ...(summary ? { profile: summary } : {}) };
}

const workerOptions = { removeOnComplete: { age: 86_400, count: 1_000 }, removeOnFail: { age: 1_209_600, count: 10_000 }, attempts: 3 };

/** Bare BullMQ worker: same Redis, same job options and metrics as the runtime's workers. */
async function bareRound(redis: Redis, concurrency: number, jobs: number, profiled = false): Promise<Round> {
  const prefix = `bench-bare-${randomBytes(3).toString('hex')}`;
  const queue = await fill(redis, prefix, jobs, workerOptions);
  const worker = new Worker(QUEUE_NAME, async () => completed(), {
    connection: redis,
    prefix: queuePrefix(prefix, QUEUE_NAME),
    concurrency,
    metrics: { maxDataPoints: MetricsTime.ONE_WEEK },
  });
  await worker.waitUntilReady();
  const round = await timeRound(queue, jobs, profiled);
  await worker.close();
  await queue.close();
  await deleteKeysUnder(redis, prefix);
  return round;
}

/** The full runtime. */
async function runtimeRound(redis: Redis, db: Database, logger: Logger, concurrency: number, jobs: number, profiled = false): Promise<Round> {
  const definition: AnyJobDefinition = { ...noop, concurrency };
  const prefix = `bench-runtime-${randomBytes(3).toString('hex')}`;
  const setup = await startRuntime({ redisUrl, prefix, definitions: [definition], db, logger, roles: { worker: false, scheduler: false } });
  const options = setup.jobOptions(definition);
  await setup.close();
  const queue = await fill(redis, prefix, jobs, options);
  const runtime = await startRuntime({ redisUrl, prefix, definitions: [definition], db, logger, roles: { worker: true, scheduler: false }, maxActiveJobs: 64 });
  const round = await timeRound(queue, jobs, profiled);
  await runtime.close();
  await queue.close();
  await deleteKeysUnder(redis, prefix);
  return round;
}

export async function run(): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const database = await createTestDatabase();
  const logger = pino({ level: 'error' });
  const results: Array<{ concurrency: number; jobs: number; rounds: Array<{ bare: Round; runtime: Round }> }> = [];
  const profiles: { bare?: ProfileSummary; runtime?: ProfileSummary } = {};
  try {
    for (const concurrency of CONCURRENCIES) {
      const jobs = JOBS[concurrency];
      const rounds: Array<{ bare: Round; runtime: Round }> = [];
      for (let round = 0; round < ROUNDS; round++) {
        const bare = await bareRound(redis, concurrency, jobs);
        rounds.push({ bare, runtime: await runtimeRound(redis, database.db, logger, concurrency, jobs) });
      }
      results.push({ concurrency, jobs, rounds });
    }
    // One more round of each at concurrency 10 under the CPU profiler (not counted above: the profiler slows both).
    profiles.bare = (await bareRound(redis, 10, JOBS[10], true)).profile;
    profiles.runtime = (await runtimeRound(redis, database.db, logger, 10, JOBS[10], true)).profile;
  } finally {
    redis.disconnect();
    await database.drop();
  }

  console.log(`no-op jobs/s, median of ${ROUNDS} rounds; each round runs bare BullMQ, then the runtime, from the moment the filled queue is resumed`);
  console.log('ratio: the median of the rounds\' runtime ÷ bare; CPU per job: this process\'s CPU time (worker, Redis client, processor) ÷ jobs');
  console.log('concurrency   jobs    bare BullMQ   Bullpen runtime   ratio (runtime / bare)   CPU µs/job bare   runtime   ratios of the rounds');
  const medians = results.map((r) => ({
    ...r,
    bare: median(r.rounds.map((x) => x.bare.rate)),
    runtime: median(r.rounds.map((x) => x.runtime.rate)),
    ratio: median(r.rounds.map((x) => x.runtime.rate / x.bare.rate)),
    cpuBare: median(r.rounds.map((x) => x.bare.cpuPerJob)),
    cpuRuntime: median(r.rounds.map((x) => x.runtime.cpuPerJob)),
  }));
  for (const r of medians) {
    console.log(
      `${String(r.concurrency).padStart(11)} ${String(r.jobs).padStart(6)} ${r.bare.toFixed(0).padStart(13)} ${r.runtime.toFixed(0).padStart(17)} ${r.ratio.toFixed(2).padStart(24)}` +
        `${r.cpuBare.toFixed(0).padStart(18)} ${r.cpuRuntime.toFixed(0).padStart(9)}   ${r.rounds.map((x) => (x.runtime.rate / x.bare.rate).toFixed(2)).join(' ')}`,
    );
  }
  const met = medians.every((r) => r.ratio >= 0.9);
  console.log(`target: ratio ≥ 0.9 at every concurrency → ${met ? 'met' : 'NOT met'}`);
  if (profiles.bare) printProfile(`bare BullMQ worker, ${JOBS[10].toLocaleString('en')} no-op jobs at concurrency 10`, profiles.bare);
  if (profiles.runtime) printProfile(`Bullpen runtime, ${JOBS[10].toLocaleString('en')} no-op jobs at concurrency 10`, profiles.runtime);
}
