import { alertIncidents, alertNotifications } from '@bullpen/db';
import { createTestDatabase, type TestDatabase } from '@bullpen/db/testing';
import { and, asc, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { defineJob } from '../definition.js';
import { QUEUE } from '../queue-names.js';
import { queuePrefix } from '../runtime/keys.js';
import { slowWork } from '../../test/fixtures/definitions.js';
import { insertRule, PUBLIC_URL, startAlertInstance, type AlertInstance } from '../../test/alert-runtime.js';
import { deletePrefix, redisUrl, startFixture, stopAllFixtures, uniquePrefix, waitFor } from '../../test/support.js';

const IN_APP = 1;
const never = { threshold: 1_000 };
const pass = z.object({ fail: z.boolean().default(false) }).loose();

const rateHigh = defineJob({ queue: 'rate-high', description: 'fails when told', attempts: 1, timeoutMs: 2_000, breaker: never, input: pass, process: async ({ input }) => { if (input.fail) throw new Error('boom'); return { summary: 'ok' }; } });
const rateLow = defineJob({ queue: 'rate-low', description: 'fails when told', attempts: 1, timeoutMs: 2_000, breaker: never, input: pass, process: async ({ input }) => { if (input.fail) throw new Error('boom'); return { summary: 'ok' }; } });
const backlogged = defineJob({ queue: 'backlogged', description: 'paused by the test', timeoutMs: 2_000, input: pass, process: async () => ({ summary: 'ok' }) });
const tripping = defineJob({
  queue: 'tripping',
  description: 'opens its breaker',
  attempts: 1,
  timeoutMs: 2_000,
  breaker: { threshold: 2, halfOpenAfterMs: 120_000 },
  input: pass,
  process: async () => {
    throw new Error('payment provider down');
  },
});
const flapping = defineJob({ queue: 'flapping', description: 'paused and resumed by the test', timeoutMs: 2_000, input: pass, process: async () => ({ summary: 'ok' }) });
const unattended = defineJob({ queue: 'unattended', description: 'its worker is closed by the test', timeoutMs: 2_000, input: pass, process: async () => ({ summary: 'ok' }) });
const punctual = defineJob({ queue: 'punctual', description: 'every 400 ms', schedule: { every: 400 }, timeoutMs: 2_000, input: pass, process: async () => ({ summary: 'ok' }) });

describe('threshold rules', () => {
  let database: TestDatabase;
  let instance: AlertInstance;
  const prefix = uniquePrefix('alert-thresholds');

  beforeAll(async () => {
    database = await createTestDatabase();
    instance = await startAlertInstance({
      prefix,
      db: database.db,
      definitions: [rateHigh, rateLow, backlogged, tripping, punctual, unattended, flapping],
      instanceId: 'main',
      runtime: { heartbeatEveryMs: 200 },
    });
  });
  afterAll(async () => {
    await stopAllFixtures();
    await instance?.close();
    await database?.drop();
    await deletePrefix(prefix);
  });

  const notificationsOf = (ruleId: number) => database.db.select().from(alertNotifications).where(eq(alertNotifications.ruleId, ruleId)).orderBy(asc(alertNotifications.id));
  const firstOf = (ruleId: number, kind: string, scope?: string) =>
    waitFor(async () => (await notificationsOf(ruleId)).find((n) => n.kind === kind && (!scope || n.scope === scope)), 15_000, `a ${kind} notification of rule ${ruleId}`);
  /** Waits until the scheduled evaluation has completed `n` more runs. */
  const evaluations = async (n: number) => {
    const queue = instance.runtime.queue(QUEUE.alertEvaluation)!;
    const start = ((await queue.getJobCounts('completed')).completed ?? 0);
    await waitFor(async () => ((await queue.getJobCounts('completed')).completed ?? 0) >= start + n, 15_000, `${n} evaluations`);
  };

  it('failure rate fires above its threshold and not below', async () => {
    const ruleId = await insertRule(database.db, {
      name: 'failure rate',
      kind: 'failure-rate',
      queues: [rateHigh.queue, rateLow.queue],
      params: { thresholdPercent: 25, minVolume: 5 },
      channelIds: [IN_APP],
    });
    const jobs = [
      ...[true, true, true, true, false, false, false, false, false, false].map((fail) => instance.runtime.enqueue(rateHigh.queue, { fail })),
      ...[true, false, false, false, false, false, false, false, false, false].map((fail) => instance.runtime.enqueue(rateLow.queue, { fail })),
    ];
    const added = await Promise.all(jobs);
    await waitFor(async () => (await Promise.all(added.map((j) => j.getState()))).every((s) => s === 'completed' || s === 'failed'), 15_000, 'every job to finish');
    const fired = await firstOf(ruleId, 'firing');
    expect(fired).toMatchObject({ scope: rateHigh.queue, link: `${PUBLIC_URL}/queues/${rateHigh.queue}?state=failed` });
    // It may fire while the jobs are still finishing; the open incident then follows the evaluation to 4 of 10.
    expect(fired.summary).toMatch(new RegExp(`^\\d+ of \\d+ jobs failed in ${rateHigh.queue} over 1 min \\(\\d+\\.\\d%, threshold 25%\\)$`));
    await waitFor(async () => {
      const [incident] = await database.db.select().from(alertIncidents).where(and(eq(alertIncidents.ruleId, ruleId), isNull(alertIncidents.resolvedAt)));
      return incident?.detail.summary === `4 of 10 jobs failed in ${rateHigh.queue} over 1 min (40.0%, threshold 25%)`;
    }, 10_000, 'the incident to show 4 of 10');
    // 10% stays below 25%: several evaluations later, still nothing for rate-low.
    await evaluations(3);
    expect((await notificationsOf(ruleId)).filter((n) => n.scope === rateLow.queue)).toEqual([]);
  });

  it('backlog and oldest-waiting fire while jobs wait and resolve once they run', async () => {
    const backlogRule = await insertRule(database.db, { name: 'backlog', kind: 'backlog', queues: [backlogged.queue], params: { threshold: 3 }, windowMs: 500, channelIds: [IN_APP] });
    const oldestRule = await insertRule(database.db, { name: 'oldest', kind: 'oldest-waiting', queues: [backlogged.queue], params: { thresholdMs: 500 }, windowMs: 500, channelIds: [IN_APP] });
    const queue = instance.runtime.queue(backlogged.queue)!;
    await queue.pause();
    await Promise.all([1, 2, 3, 4, 5].map(() => instance.runtime.enqueue(backlogged.queue, {})));
    const backlog = await firstOf(backlogRule, 'firing');
    expect(backlog.summary).toBe(`5 jobs waiting in ${backlogged.queue} (threshold 3)`);
    const oldest = await firstOf(oldestRule, 'firing');
    expect(oldest.summary).toMatch(new RegExp(`^The oldest waiting job in ${backlogged.queue} has waited \\d+ (ms|s) \\(threshold 500 ms\\)$`));
    await queue.resume();
    await firstOf(backlogRule, 'resolved');
    await firstOf(oldestRule, 'resolved');
    expect((await notificationsOf(backlogRule)).map((n) => n.kind)).toEqual(['firing', 'resolved']);
    expect((await notificationsOf(oldestRule)).map((n) => n.kind)).toEqual(['firing', 'resolved']);
  });

  it('a backlog flapping around its threshold stays one incident: one firing, one resolved message', async () => {
    const ruleId = await insertRule(database.db, { name: 'flapping', kind: 'backlog', queues: [flapping.queue], params: { threshold: 2 }, windowMs: 3_000, channelIds: [IN_APP] });
    const queue = instance.runtime.queue(flapping.queue)!;
    const backlog = async () => {
      await queue.pause();
      await Promise.all([1, 2, 3].map(() => instance.runtime.enqueue(flapping.queue, {})));
    };
    const drained = async () => {
      await queue.resume();
      await waitFor(async () => ((await queue.getJobCounts('wait')).wait ?? 0) === 0 || undefined, 10_000, 'the backlog to run');
    };
    await backlog();
    await firstOf(ruleId, 'firing');
    // Normal for a couple of evaluations, then above the threshold again, within the window.
    await drained();
    await evaluations(2);
    await backlog();
    await evaluations(2);
    await drained();
    await firstOf(ruleId, 'resolved');
    expect((await notificationsOf(ruleId)).map((n) => n.kind)).toEqual(['firing', 'resolved']);
    expect(await database.db.select().from(alertIncidents).where(eq(alertIncidents.ruleId, ruleId))).toHaveLength(1);
  });

  it('breaker-open fires when a breaker opens', async () => {
    const ruleId = await insertRule(database.db, { name: 'breakers', kind: 'breaker-open', queues: [], channelIds: [IN_APP] });
    await Promise.all([1, 2].map(() => instance.runtime.enqueue(tripping.queue, {})));
    const fired = await firstOf(ruleId, 'firing');
    expect(fired).toMatchObject({ scope: tripping.queue, title: `Circuit breaker open for ${tripping.queue}`, link: `${PUBLIC_URL}/queues/${tripping.queue}` });
    expect(fired.summary).toContain('after 2 consecutive failures');
  });

  it('schedule-missed fires when a scheduled type does not run within its period plus grace', async () => {
    const ruleId = await insertRule(database.db, { name: 'missed', kind: 'schedule-missed', queues: [punctual.queue], params: { graceMs: 300 }, windowMs: 500, channelIds: [IN_APP] });
    // It runs on time first: nothing fires.
    const queue = instance.runtime.queue(punctual.queue)!;
    await waitFor(async () => ((await queue.getJobCounts('completed')).completed ?? 0) >= 2, 10_000, 'two punctual runs');
    await evaluations(2);
    expect(await notificationsOf(ruleId)).toEqual([]);
    // Its queue stops being worked: the next slot passes and the rule fires with a link to the schedules.
    await queue.pause();
    const fired = await firstOf(ruleId, 'firing');
    expect(fired).toMatchObject({ scope: punctual.queue, link: `${PUBLIC_URL}/schedules` });
    await queue.resume();
    await firstOf(ruleId, 'resolved');
  });

  it('heartbeat-lost fires when an instance is SIGKILLed', async () => {
    const ruleId = await insertRule(database.db, { name: 'heartbeats', kind: 'heartbeat-lost', params: { afterMs: 1_000 }, channelIds: [IN_APP] });
    const child = startFixture('instance', {
      QUEUE_PREFIX: prefix,
      FIXTURE_TYPES: 'on-demand',
      ROLES: 'worker',
      DATABASE_URL: database.url,
      INSTANCE_ID: 'doomed-instance',
      HEARTBEAT_EVERY_MS: '200',
    });
    await child.waitForLine(/^READY$/);
    await evaluations(3);
    expect(await notificationsOf(ruleId)).toEqual([]);
    child.kill('SIGKILL');
    await child.exited;
    const fired = await firstOf(ruleId, 'firing');
    expect(fired).toMatchObject({ scope: 'doomed-instance', title: 'Instance doomed-instance lost', link: `${PUBLIC_URL}/workers` });
    // The live instance beating every 200 ms never counted as lost.
    await evaluations(2);
    expect((await notificationsOf(ruleId)).map((n) => n.scope)).toEqual(['doomed-instance']);
  });

  it('no-worker fires when the queue\'s worker is gone while its instance beats on, and resolves when jobs are taken again', async () => {
    const ruleId = await insertRule(database.db, { name: 'no worker', kind: 'no-worker', queues: [unattended.queue, backlogged.queue], params: { afterMs: 300 }, windowMs: 500, channelIds: [IN_APP] });
    // Jobs waiting in a paused queue still have their worker: nothing fires.
    const paused = instance.runtime.queue(backlogged.queue)!;
    await paused.pause();
    await instance.runtime.enqueue(backlogged.queue, {});
    await evaluations(3);
    expect(await notificationsOf(ruleId)).toEqual([]);
    await paused.resume();

    // The instance keeps beating and listing the queue, but its BullMQ worker for it closed. The
    // runtime has no way to close one type's worker, so the test reaches in for it.
    const workers = (instance.runtime as unknown as { workers: Worker[] }).workers;
    await workers.find((w) => w.name === unattended.queue)!.close();
    expect((await instance.runtime.instances()).find((i) => i.instanceId === 'main')?.queues).toContain(unattended.queue);
    await Promise.all([1, 2].map(() => instance.runtime.enqueue(unattended.queue, {})));
    const fired = await firstOf(ruleId, 'firing');
    expect(fired).toMatchObject({ scope: unattended.queue, title: `No worker for ${unattended.queue}`, summary: `2 jobs waiting in ${unattended.queue} and no worker is connected to take them` });

    // A worker connects again (as a restarted instance's would) and takes the jobs: the incident resolves.
    const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    const replacement = new Worker(unattended.queue, async () => 'ok', { connection, prefix: queuePrefix(prefix, unattended.queue), name: 'replacement' });
    try {
      await waitFor(async () => ((await instance.runtime.queue(unattended.queue)!.getJobCounts('completed')).completed ?? 0) === 2, 10_000, 'the waiting jobs to run');
      await firstOf(ruleId, 'resolved');
    } finally {
      await replacement.close();
      await connection.quit();
    }
    expect((await notificationsOf(ruleId)).map((n) => `${n.scope}:${n.kind}`)).toEqual([`${unattended.queue}:firing`, `${unattended.queue}:resolved`]);
  });

  it('stalled fires when an instance dies holding a job and another puts it back', async () => {
    const ruleId = await insertRule(database.db, { name: 'stalls', kind: 'stalled', queues: [slowWork.queue], channelIds: [IN_APP] });
    const holder = startFixture('instance', {
      QUEUE_PREFIX: prefix,
      FIXTURE_TYPES: slowWork.queue,
      ROLES: 'worker',
      DATABASE_URL: database.url,
      INSTANCE_ID: 'holder',
      LOCK_DURATION_MS: '1000',
      // BullMQ lets one worker check for stalls per interval (its stalled-check key lives that long).
      STALLED_INTERVAL_MS: '300',
    });
    await holder.waitForLine(/^READY$/);
    const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    const queue = new Queue(slowWork.queue, { connection, prefix: queuePrefix(prefix, slowWork.queue) });
    let rescuer: AlertInstance | undefined;
    try {
      const job = await queue.add(slowWork.queue, { ms: 1_000 });
      await holder.waitForLine(new RegExp(`^STARTED ${job.id}$`));
      holder.kill('SIGKILL');
      await holder.exited;
      // Only now does an instance that works the queue start: it finds the lapsed lock and puts the job back.
      rescuer = await startAlertInstance({ prefix, db: database.db, definitions: [slowWork], instanceId: 'rescuer', runtime: { stalledIntervalMs: 300 } });
      const fired = await firstOf(ruleId, 'firing');
      expect(fired).toMatchObject({ scope: slowWork.queue, title: `Stalled job in ${slowWork.queue}`, link: `${PUBLIC_URL}/queues/${slowWork.queue}?state=active` });
      await waitFor(async () => (await job.getState()) === 'completed' || undefined, 15_000, 'the stalled job to run again and complete');
      expect((await notificationsOf(ruleId)).filter((n) => n.kind === 'firing')).toHaveLength(1);
    } finally {
      await rescuer?.close();
      await queue.close();
      await connection.quit();
    }
  });
});
