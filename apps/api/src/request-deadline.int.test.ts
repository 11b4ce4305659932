// Request deadline: long operations answer with what they did before the deadline, and whatever the
// caller was told, the audit log records what really happened.
// - drain / retry-failed on more jobs than one call's time budget: each call answers 200 with its count
//   and `complete`, calls repeated until complete touch every job exactly once, each audited as it was.
//   (Before: one call did everything or answered 503 with the work going on; retry-failed had no end.)
// - a mutation that outlives the deadline (Redis blocked by a long script): the caller gets 503 TIMEOUT
//   with the audit attempt id, the action completes afterwards, and the audit says `succeeded`.
import { auditLog } from '@bullpen/db';
import { createRedis, queuePrefix } from '@bullpen/jobs';
import { Worker } from 'bullmq';
import { asc, eq } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type OpsApp } from './app.js';
import { startHarness, startRedisServer, waitFor, type Harness, type RedisServer } from './test-harness.js';
import { testDefinitions } from './test-jobs.js';

const TIMEOUT_MS = 600;
let redisServer: RedisServer;
let h: Harness;
let app: OpsApp;
let admin: Redis;

beforeAll(async () => {
  redisServer = await startRedisServer();
  h = await startHarness({ definitions: testDefinitions, redisUrl: redisServer.url });
  // A second app on the same runtime and database with a short deadline (sessions are shared).
  app = createApp({ config: { ...h.config, REQUEST_TIMEOUT_MS: TIMEOUT_MS }, runtime: h.runtime, alerts: h.alerts, database: h.database, logger: pino({ level: 'silent' }), version: 'test' });
  admin = createRedis(redisServer.url, 'worker');
}, 60_000);
afterAll(async () => {
  admin?.disconnect();
  await app?.dispose();
  await h?.close();
  await redisServer?.stop();
});

const post = (path: string, body: object = {}) => request(app).post(path).set('Cookie', h.as.operator.cookie).set('X-CSRF-Token', h.as.operator.csrfToken).send(body);

async function auditRows(action: string) {
  return h.database.db.select().from(auditLog).where(eq(auditLog.action, action)).orderBy(asc(auditLog.id));
}

async function addJobs(queueName: string, n: number): Promise<void> {
  const queue = h.runtime.queue(queueName)!;
  for (let i = 0; i < n; i += 5_000) {
    await queue.addBulk(Array.from({ length: Math.min(5_000, n - i) }, (_, k) => ({ name: queueName, data: { n: i + k } })));
  }
}

/**
 * Waiting jobs to drain: enough that one call's work window (half of TIMEOUT_MS) cannot take them all
 * even on a quiet machine (10,000 fitted in one call there; under load a call drains ~1,000 per 50 ms).
 */
const DRAINED = 50_000;

describe('batched operations within the deadline', () => {
  it('drains 50 000 waiting jobs over several calls, each answering its own count in time', async () => {
    const queue = h.runtime.queue('ops-idle')!;
    await queue.pause();
    await addJobs('ops-idle', DRAINED);
    const answers: Array<{ removed: number; complete: boolean }> = [];
    for (let call = 0; call < 200; call++) {
      const started = Date.now();
      const res = await post('/api/v1/queues/ops-idle/drain');
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1_000);
      answers.push(res.body);
      if (res.body.complete) break;
    }
    expect(answers.length).toBeGreaterThan(1);
    expect(answers[0]!.complete).toBe(false);
    expect(answers.at(-1)!.complete).toBe(true);
    expect(answers.reduce((sum, a) => sum + a.removed, 0)).toBe(DRAINED);
    expect(await queue.getJobCountByTypes('wait', 'prioritized')).toBe(0);
    // One audit outcome per call, saying what that call did.
    const outcomes = (await auditRows('queue.drain')).filter((r) => r.outcome !== 'started');
    expect(outcomes.map((r) => r.outcome)).toEqual(answers.map(() => 'succeeded'));
    expect(outcomes.map((r) => r.detail)).toEqual(answers.map((a) => ({ status: 200, removed: a.removed, complete: a.complete })));
  }, 120_000);

  it('retries 2 000 failed jobs in batches, every one exactly once', async () => {
    const queue = h.runtime.queue('ops-fail')!;
    await addJobs('ops-fail', 2_000);
    const failer = new Worker('ops-fail', async () => {
      throw new Error('refused');
    }, { connection: createRedis(redisServer.url, 'worker'), prefix: queuePrefix(h.prefix, 'ops-fail'), concurrency: 200 });
    await waitFor(async () => (await queue.getJobCountByTypes('failed')) === 2_000, 60_000, '2 000 failed jobs');
    await failer.close();
    const answers: Array<{ retried: number; complete: boolean }> = [];
    for (let call = 0; call < 200; call++) {
      const res = await post('/api/v1/queues/ops-fail/retry-failed');
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      answers.push(res.body);
      if (res.body.complete) break;
    }
    expect(answers.at(-1)!.complete).toBe(true);
    expect(answers.reduce((sum, a) => sum + a.retried, 0)).toBe(2_000);
    expect(await queue.getJobCountByTypes('failed')).toBe(0);
    expect(await queue.getJobCountByTypes('wait')).toBe(2_000);
    const outcomes = (await auditRows('queue.retry-failed')).filter((r) => r.outcome !== 'started');
    expect(outcomes.map((r) => r.detail)).toEqual(answers.map((a) => ({ status: 200, retried: a.retried, complete: a.complete })));
  }, 120_000);
});

describe('a mutation that outlives the deadline', () => {
  it('answers 503 TIMEOUT, completes anyway, and the audit records that it succeeded', async () => {
    const queue = h.runtime.queue('ops-ok')!;
    expect(await queue.isPaused()).toBe(false);
    // Redis busy for 1.5 s (a long script), as under a slow command or a failover.
    const blocked = admin.eval("local t = redis.call('TIME'); local stop = t[1] * 1000000 + t[2] + 1500000; repeat t = redis.call('TIME') until t[1] * 1000000 + t[2] >= stop; return 1", 0);
    // (The script reaches Redis long before the request below has passed its session and audit steps;
    // if it did not, the pause would answer 200 and the test would fail, not pass by accident.)
    const started = Date.now();
    const res = await post('/api/v1/queues/ops-ok/pause');
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('TIMEOUT');
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1_000);
    const attemptId = res.body.error.details.attemptId as string;
    await blocked;
    await waitFor(() => queue.isPaused(), 10_000, 'the pause to land');
    const rows = await waitFor(async () => {
      const all = (await auditRows('queue.pause')).filter((r) => r.attemptId === attemptId);
      return all.length === 2 ? all : undefined;
    }, 10_000, 'the audit outcome');
    expect(rows.map((r) => r.outcome)).toEqual(['started', 'succeeded']);
    expect(rows[1]!.detail).toMatchObject({ status: 200, paused: true, answeredTimeoutAfterMs: TIMEOUT_MS });
  }, 60_000);
});
