// The operations overview against Bull Board's own queue list, side by side on one Redis: 15 queues
// holding 1,000,000 jobs in mixed states (one of them 400,000 failed), plus one page of 50 failed jobs.
// Jobs are written as BullMQ-compatible hashes, lists and sorted sets with pipelined commands (the
// same fields and scores BullMQ's scripts write), so loading takes seconds instead of minutes; a
// sanity check reads them back through BullMQ. Targets: overview ≥ 2× faster at p95 and < 50 ms p95.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { createTestDatabase } from '@bullpen/db/testing';
import { createRedis, defineJob, startRuntime } from '@bullpen/jobs';
import { deleteKeysUnder } from '@bullpen/jobs/testing';
import { pino } from 'pino';
import { z } from 'zod';
import { createApp } from '../apps/api/src/app.js';
import { loadConfig } from '../apps/api/src/config.js';
import { createAlertEngine } from '../apps/api/src/ops/alerts.js';

const QUEUES = 15;
const TOTAL_JOBS = Number(process.env.BENCH_API_JOBS ?? 1_000_000);
/** Share of all jobs in the first queue's failed set: the "one page of failed jobs" case. */
const BIG_FAILED = Math.round(TOTAL_JOBS * 0.4);
const SAMPLES = 200;
const WARMUP = 10;
const CHUNK = 10_000;

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `bench-api-${randomBytes(4).toString('hex')}`;
const names = Array.from({ length: QUEUES }, (_, i) => `bench-${String(i).padStart(2, '0')}`);

export type State = 'wait' | 'delayed' | 'completed' | 'failed';

/** Writes one queue's jobs under `prefix` (also used by web.bench.ts). */
export async function load(redis: ReturnType<typeof createRedis>, prefix: string, queue: string, counts: Record<State, number>): Promise<void> {
  const base = `${prefix}:${queue}`;
  const now = Date.now();
  const opts = JSON.stringify({ attempts: 3, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: { age: 86400, count: 1000 } });
  let id = 0;
  for (const state of ['completed', 'failed', 'wait', 'delayed'] as const) {
    for (let done = 0; done < counts[state]; done += CHUNK) {
      const pipeline = redis.pipeline();
      const n = Math.min(CHUNK, counts[state] - done);
      const zargs: Array<string | number> = [];
      const lids: string[] = [];
      for (let i = 0; i < n; i++) {
        const jobId = String(++id);
        const timestamp = now - 3_600_000 + id;
        const fields: Record<string, string | number> = { name: queue, data: JSON.stringify({ orderId: id, player: `p${id % 977}`, token: 'secret-value' }), opts, timestamp, delay: 0, priority: 0, atm: 0 };
        if (state === 'completed' || state === 'failed') {
          fields.processedOn = timestamp + 5;
          fields.finishedOn = timestamp + 25;
          fields.atm = state === 'failed' ? 3 : 1;
          fields.ats = fields.atm;
        }
        if (state === 'completed') fields.returnvalue = '{"status":"ok","summary":"done","counts":{},"durationMs":20}';
        if (state === 'failed') {
          fields.failedReason = `upstream refused order ${id}`;
          fields.stacktrace = JSON.stringify([`Error: upstream refused order ${id}\n    at process (job.ts:1:1)`]);
        }
        if (state === 'delayed') fields.delay = 3_600_000;
        pipeline.hset(`${base}:${jobId}`, fields);
        if (state === 'wait') lids.push(jobId);
        else if (state === 'delayed') zargs.push((timestamp + 3_600_000) * 0x1000 + (id & 0xfff), jobId);
        else zargs.push(timestamp + 25, jobId);
      }
      if (state === 'wait') pipeline.lpush(`${base}:wait`, ...lids);
      else pipeline.zadd(`${base}:${state}`, ...zargs);
      await pipeline.exec();
    }
  }
  await redis.set(`${base}:id`, id);
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function time(url: string, cookie: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(url, { headers: { Cookie: cookie } });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  return performance.now() - started;
}

export async function run(): Promise<void> {
  const redis = createRedis(redisUrl, 'worker');
  const database = await createTestDatabase({ poolSize: 4 });
  const logger = pino({ level: 'silent' });
  let runtime: Awaited<ReturnType<typeof startRuntime>> | undefined;
  let server: import('node:http').Server | undefined;
  try {
    // ---- load ------------------------------------------------------------------------------------
    const started = performance.now();
    const rest = TOTAL_JOBS - BIG_FAILED;
    const perQueue = Math.floor(rest / QUEUES);
    for (const [i, queue] of names.entries()) {
      const share = i === QUEUES - 1 ? rest - perQueue * (QUEUES - 1) : perQueue;
      const counts: Record<State, number> = {
        completed: Math.round(share * 0.4),
        failed: Math.round(share * 0.3),
        wait: Math.round(share * 0.2),
        delayed: share - Math.round(share * 0.4) - Math.round(share * 0.3) - Math.round(share * 0.2),
      };
      if (i === 0) counts.failed += BIG_FAILED;
      await load(redis, prefix, queue, counts);
    }
    const loadSeconds = (performance.now() - started) / 1000;

    const definitions = names.map((queue) =>
      defineJob({ queue, description: 'benchmark', timeoutMs: 1_000, input: z.record(z.string(), z.unknown()), process: async () => ({ summary: 'x' }) }),
    );
    runtime = await startRuntime({ redisUrl, prefix, definitions, db: database.db, logger, roles: { worker: false, scheduler: false } });
    const stats = await runtime.stats();
    const total = stats.filter((s) => names.includes(s.queue)).reduce((sum, s) => sum + Object.values(s.counts).reduce((a, b) => a + b, 0), 0);
    const firstFailed = stats.find((s) => s.queue === names[0])!.counts.failed;
    const probe = await runtime.queue(names[0]!)!.getJobs(['failed'], 0, 0);
    if (total !== TOTAL_JOBS || !probe[0]?.failedReason) throw new Error(`load check failed: ${total} jobs, probe ${JSON.stringify(probe[0]?.failedReason)}`);
    console.log(`api bench: ${QUEUES} queues, ${total.toLocaleString('en')} jobs (${firstFailed.toLocaleString('en')} failed in ${names[0]}) loaded in ${loadSeconds.toFixed(1)} s`);

    // ---- serve -----------------------------------------------------------------------------------
    const config = loadConfig({ QUEUE_PREFIX: prefix, REDIS_URL: redisUrl, ROLES: 'http', ADMIN_USER: 'admin', ADMIN_PASSWORD: 'bench-password-1', LOG_LEVEL: 'silent' });
    const alerts = createAlertEngine(config, database.db, logger);
    alerts.attach(runtime);
    const app = createApp({ config, runtime, alerts, database, logger, version: 'bench' });
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const login = await fetch(`${origin}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'bench-password-1' }) });
    const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;

    const ours = `${origin}/api/v1/queues`;
    const board = `${origin}/board/api/queues?page=1&jobsPerPage=10`;
    for (let i = 0; i < WARMUP; i++) {
      await time(ours, cookie);
      await time(board, cookie);
    }
    const oursMs: number[] = [];
    const boardMs: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      // Interleaved, so both see the same Redis and the same machine load.
      oursMs.push(await time(ours, cookie));
      boardMs.push(await time(board, cookie));
    }
    const row = (label: string, ms: number[]) => `${label.padEnd(42)} p50 ${percentile(ms, 50).toFixed(1).padStart(7)} ms   p95 ${percentile(ms, 95).toFixed(1).padStart(7)} ms`;
    console.log(row('GET /api/v1/queues (Bullpen overview)', oursMs));
    console.log(row('GET /board/api/queues (Bull Board list)', boardMs));
    const ratio50 = percentile(boardMs, 50) / percentile(oursMs, 50);
    const ratio95 = percentile(boardMs, 95) / percentile(oursMs, 95);
    console.log(`overview vs Bull Board: ${ratio50.toFixed(1)}× faster at p50, ${ratio95.toFixed(1)}× at p95 (target ≥ 2× at p95, < 50 ms p95: ${ratio95 >= 2 && percentile(oursMs, 95) < 50 ? 'met' : 'NOT met'})`);

    const pageMs: number[] = [];
    const deepMs: number[] = [];
    const lastPage = Math.floor(firstFailed / 50);
    for (let i = 0; i < WARMUP; i++) await time(`${origin}/api/v1/queues/${names[0]}/jobs?state=failed&page=1&pageSize=50`, cookie);
    for (let i = 0; i < SAMPLES; i++) {
      pageMs.push(await time(`${origin}/api/v1/queues/${names[0]}/jobs?state=failed&page=1&pageSize=50`, cookie));
      deepMs.push(await time(`${origin}/api/v1/queues/${names[0]}/jobs?state=failed&page=${lastPage}&pageSize=50`, cookie));
    }
    console.log(row(`50 failed jobs of ${firstFailed.toLocaleString('en')}, first page`, pageMs));
    console.log(row(`50 failed jobs of ${firstFailed.toLocaleString('en')}, page ${lastPage}`, deepMs));
    if (firstFailed < 1_000_000) console.log(`(failed-page case scaled: ${firstFailed.toLocaleString('en')} failed jobs in one queue, not 1,000,000, to keep 1,000,000 jobs in total across mixed states)`);
  } finally {
    server?.closeAllConnections();
    server?.close();
    await runtime?.close();
    const deleted = await deleteKeysUnder(redis, prefix, 10_000);
    console.log(`api bench: cleaned up ${deleted.toLocaleString('en')} keys under ${prefix}:`);
    redis.disconnect();
    await database.drop();
  }
}
