// Does adding a worker process add throughput? The same queue, filled while paused, is drained by one
// and then by two separate OS processes each running a worker-role Bullpen runtime
// (bench/scale-out-worker.ts), on the same Redis and database. Two kinds of job: `io` (20 ms waits, 10
// at a time per instance: throughput is bounded per instance, so a second instance should nearly
// double it) and `cpu` (2 ms of CPU, one at a time: bounded by the machine's cores, which Redis shares).
// The clock starts when every worker is ready and the queue is resumed, and stops when every job is
// completed. Best of two rounds each.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '@bullpen/db/testing';
import { queuePrefix, startRuntime } from '@bullpen/jobs';
import { deleteKeysUnder } from '@bullpen/jobs/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { SCALE_OUT_QUEUE, scaleOutJob } from './scale-out-job.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const JOBS = { io: 4_000, cpu: 2_000 } as const;
const ROUNDS = 2;
const workerScript = fileURLToPath(new URL('./scale-out-worker.ts', import.meta.url));

function startWorker(env: Record<string, string>): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', workerScript], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('a worker process was not ready within 60 s')), 60_000);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      if (chunk.includes('READY')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`a worker process exited with ${code} before it was ready`));
    });
  });
  return { child, ready };
}

async function measure(redis: Redis, database: TestDatabase, work: 'io' | 'cpu', processes: number): Promise<number> {
  const prefix = `bench-scale-${randomBytes(3).toString('hex')}`;
  const jobs = JOBS[work];
  const definition = scaleOutJob(work);
  const setup = await startRuntime({ redisUrl, prefix, definitions: [definition], db: database.db, logger: pino({ level: 'warn' }), roles: { worker: false, scheduler: false } });
  const options = setup.jobOptions(definition);
  await setup.close();
  const queue = new Queue(SCALE_OUT_QUEUE, { connection: redis, prefix: queuePrefix(prefix, SCALE_OUT_QUEUE) });
  const workers: ChildProcess[] = [];
  try {
    await queue.pause();
    for (let i = 0; i < jobs; i += 1_000) {
      await queue.addBulk(Array.from({ length: Math.min(1_000, jobs - i) }, (_, k) => ({ name: SCALE_OUT_QUEUE, data: { n: i + k }, opts: options })));
    }
    const started = Array.from({ length: processes }, (_, i) =>
      startWorker({ QUEUE_PREFIX: prefix, REDIS_URL: redisUrl, DATABASE_URL: database.url, BENCH_WORK: work, INSTANCE_ID: `bench-worker-${i}` }),
    );
    workers.push(...started.map((s) => s.child));
    await Promise.all(started.map((s) => s.ready));
    const t0 = performance.now();
    await queue.resume();
    // Completed jobs beyond the retention count are removed: count what left the queue instead.
    for (;;) {
      const counts = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized');
      if (Object.values(counts).every((n) => n === 0)) break;
      if (performance.now() - t0 > 300_000) throw new Error('scale-out bench: jobs still pending after 5 minutes');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return jobs / ((performance.now() - t0) / 1000);
  } finally {
    for (const child of workers) if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.all(workers.map((child) => (child.exitCode === null ? once(child, 'exit') : undefined)));
    await queue.close();
    await deleteKeysUnder(redis, prefix);
  }
}

export async function run(): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const database = await createTestDatabase();
  const rows: Array<{ work: 'io' | 'cpu'; one: number; two: number }> = [];
  try {
    for (const work of ['io', 'cpu'] as const) {
      let one = 0;
      let two = 0;
      for (let round = 0; round < ROUNDS; round++) {
        one = Math.max(one, await measure(redis, database, work, 1));
        two = Math.max(two, await measure(redis, database, work, 2));
      }
      rows.push({ work, one, two });
    }
  } finally {
    redis.disconnect();
    await database.drop();
  }
  console.log('jobs/s through worker-role runtime processes on one Redis, best of %d rounds (%d cores)', ROUNDS, availableParallelism());
  console.log('work                                  jobs   1 process   2 processes   ratio (2 / 1)');
  for (const r of rows) {
    const label = r.work === 'io' ? 'io  (20 ms wait, 10 at a time each)' : 'cpu (2 ms CPU, 1 at a time each)';
    console.log(`${label.padEnd(37)} ${String(JOBS[r.work]).padStart(5)} ${r.one.toFixed(0).padStart(11)} ${r.two.toFixed(0).padStart(13)} ${(r.two / r.one).toFixed(2).padStart(15)}`);
  }
}
