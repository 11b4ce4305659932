// What the console's pages read from the API beyond the basic routes: workers per queue and an hour of
// per-minute series on the overview, duration series, counts for confirmations (drain, clean, dead-letter
// replay by filter) equal to what the action then touches, schedules' last result, the audit target
// filter, SPA deep links, and Bull Board dressed as the console and reachable on the same queue and job.
import { defineJob } from '@bullpen/jobs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { webDist } from './app.js';
import { startHarness, waitFor, type Harness } from './test-harness.js';
import { testDefinitions } from './test-jobs.js';

const cronFail = defineJob({
  queue: 'ops-cron-fail',
  description: 'Scheduled hourly; always fails',
  timeoutMs: 5_000,
  attempts: 1,
  schedule: { every: 3_600_000 },
  input: z.record(z.string(), z.unknown()),
  process: async () => {
    throw new Error('nightly export refused');
  },
});

let h: Harness;
const get = (path: string, role: 'viewer' | 'operator' | 'admin' = 'viewer') => request(h.app).get(path).set('Cookie', h.as[role].cookie);
const post = (path: string, body: object = {}) => request(h.app).post(path).set('Cookie', h.as.operator.cookie).set('X-CSRF-Token', h.as.operator.csrfToken).send(body);

beforeAll(async () => {
  h = await startHarness({ definitions: [...testDefinitions, cronFail], roles: { worker: true, scheduler: true } });
  await h.runtime.queue('ops-idle')!.pause();
});
afterAll(async () => {
  await h?.close();
});

describe('overview', () => {
  it('counts the worker connections attached to each queue and gives an hour of per-minute series', async () => {
    const { body } = await get('/api/v1/queues');
    const workers = (await get('/api/v1/workers')).body.workers as Array<{ queue: string }>;
    expect(workers.length).toBeGreaterThan(0);
    for (const queue of body.queues as Array<{ name: string; workerCount: number; completedPerMinute: number[]; failedPerMinute: number[] }>) {
      expect(queue.workerCount, queue.name).toBe(workers.filter((w) => w.queue === queue.name).length);
      expect(queue.workerCount, queue.name).toBeGreaterThan(0);
      expect(queue.completedPerMinute).toHaveLength(60);
      expect(queue.failedPerMinute).toHaveLength(60);
    }
  });
});

describe('workers and instances', () => {
  it('each instance says its version', async () => {
    const { instances, self } = (await get('/api/v1/instances')).body as { instances: Array<{ instanceId: string; version: string | null }>; self: string };
    expect(instances.find((i) => i.instanceId === self)?.version).toBe('test');
  });
});

describe('queue charts', () => {
  it('durations are the finished jobs’ processedOn→finishedOn, newest first, completed and failed, bounded by limit', async () => {
    const ok = await Promise.all([1, 2, 3].map((n) => h.runtime.enqueue('ops-ok', { n })));
    const failed = await Promise.all([1, 2].map((n) => h.runtime.enqueue('ops-fail', { n })));
    const okQueue = h.runtime.queue('ops-ok')!;
    await waitFor(async () => (await Promise.all(ok.map((j) => okQueue.getJobState(j.id!)))).every((s) => s === 'completed'), 15_000, 'ok jobs');
    const res = await get('/api/v1/queues/ops-ok/durations');
    const items = res.body.items as Array<{ id: string; outcome: string; processedOn: number; finishedOn: number; durationMs: number }>;
    expect(items.map((i) => i.id).sort()).toEqual(ok.map((j) => j.id).sort());
    for (const item of items) {
      const job = (await okQueue.getJob(item.id))!;
      expect(item).toEqual({ id: job.id, outcome: 'completed', processedOn: job.processedOn, finishedOn: job.finishedOn, durationMs: job.finishedOn! - job.processedOn! });
    }
    expect(items.map((i) => i.finishedOn)).toEqual([...items.map((i) => i.finishedOn)].sort((a, b) => b - a));
    expect((await get('/api/v1/queues/ops-ok/durations?limit=2')).body.items).toHaveLength(2);
    const failQueue = h.runtime.queue('ops-fail')!;
    await waitFor(async () => (await Promise.all(failed.map((j) => failQueue.getJobState(j.id!)))).every((s) => s === 'failed'), 15_000, 'failed jobs');
    const failures = (await get('/api/v1/queues/ops-fail/durations')).body.items as Array<{ outcome: string }>;
    expect(failures.length).toBeGreaterThanOrEqual(2);
    expect(new Set(failures.map((f) => f.outcome))).toEqual(new Set(['failed']));
    expect((await get('/api/v1/queues/ops-ok/durations?limit=100000')).status).toBe(400);
  });
});

describe('counts for confirmations equal what the action then touches', () => {
  it('drain-preview counts the waiting (and, asked, delayed) jobs drain removes', async () => {
    const idle = h.runtime.queue('ops-idle')!;
    await Promise.all([1, 2, 3, 4].map((n) => h.runtime.enqueue('ops-idle', { n })));
    await Promise.all([1, 2].map((n) => h.runtime.enqueue('ops-idle', { n }, { delay: 3_600_000 })));
    const without = (await get('/api/v1/queues/ops-idle/drain-preview')).body;
    const withDelayed = (await get('/api/v1/queues/ops-idle/drain-preview?delayed=true')).body;
    expect(withDelayed.count - without.count).toBe(2);
    const drained = await post('/api/v1/queues/ops-idle/drain', { delayed: true });
    expect(drained.body.removed).toBe(withDelayed.count);
    expect((await idle.getJobCounts('wait', 'delayed'))).toEqual({ wait: 0, delayed: 0 });
    expect((await get('/api/v1/queues/ops-idle/drain-preview?delayed=true')).body.count).toBe(0);
  });

  it('clean-preview counts exactly the completed jobs older than the cut that clean removes', async () => {
    const preview = (await get('/api/v1/queues/ops-ok/clean-preview?state=completed&olderThanMs=0')).body;
    expect(preview.exact).toBe(true);
    expect(preview.count).toBeGreaterThanOrEqual(3);
    expect((await get('/api/v1/queues/ops-ok/clean-preview?state=completed&olderThanMs=3600000')).body.count).toBe(0);
    const cleaned = await post('/api/v1/queues/ops-ok/clean', { state: 'completed', olderThanMs: 0 });
    expect(cleaned.body.removed).toBe(preview.count);
  });

  it('dead-letters/count is the number a replay by the same filter replays', async () => {
    await waitFor(async () => (await h.runtime.deadLetters.list({ queue: 'ops-fail', status: 'dead' }, 1, 10)).items.length >= 2 || undefined, 15_000, 'dead letters');
    const filter = { queue: 'ops-fail', q: 'upstream' };
    const counted = (await get(`/api/v1/dead-letters/count?${new URLSearchParams(filter)}`)).body;
    expect(counted.count).toBeGreaterThanOrEqual(2);
    expect(counted.perCall).toBe(1_000);
    expect((await get('/api/v1/dead-letters/count?queue=%00')).status).toBe(400);
    const listed = (await get(`/api/v1/dead-letters?${new URLSearchParams({ ...filter, pageSize: '100' })}`)).body.items as Array<{ id: number }>;
    const replayed = await post('/api/v1/dead-letters/replay', { filter });
    // The same letters: the count, the list and the replay agree (replayed jobs fail again later, as new letters).
    expect(replayed.body.replayed.map((r: { id: number }) => r.id).sort()).toEqual(listed.map((l) => l.id).sort());
    expect(listed).toHaveLength(counted.count);
  });
});

describe('schedules', () => {
  it("each schedule says how its last run ended: the summary when it completed, the reason when it failed", async () => {
    const tick = (await post('/api/v1/schedules/ops-tick/trigger')).body.jobId as string;
    const failing = (await post('/api/v1/schedules/ops-cron-fail/trigger')).body.jobId as string;
    const schedules = await waitFor(async () => {
      const list = (await get('/api/v1/schedules')).body.schedules as Array<{ id: string; lastRun: { jobId: string } | null }>;
      return list.find((s) => s.id === 'ops-tick')?.lastRun?.jobId === tick && list.find((s) => s.id === 'ops-cron-fail')?.lastRun?.jobId === failing ? list : undefined;
    }, 15_000, 'both runs to finish');
    const byId = new Map(schedules.map((s) => [s.id, s as unknown as { lastRunAt: number; lastRun: Record<string, unknown> }]));
    expect(byId.get('ops-tick')!.lastRun).toEqual({ jobId: tick, state: 'completed', finishedAt: byId.get('ops-tick')!.lastRunAt, summary: 'tick', failedReason: null });
    expect(byId.get('ops-cron-fail')!.lastRun).toEqual({ jobId: failing, state: 'failed', finishedAt: byId.get('ops-cron-fail')!.lastRunAt, summary: null, failedReason: 'nightly export refused' });
  });
});

describe('audit log', () => {
  it('filters by target, exactly or by prefix, with LIKE wildcards taken literally', async () => {
    await post('/api/v1/queues/ops-ok/pause');
    await post('/api/v1/queues/ops-ok/resume');
    const exact = (await get('/api/v1/audit?target=queue:ops-ok&pageSize=100', 'admin')).body.items as Array<{ target: string }>;
    expect(exact.length).toBeGreaterThanOrEqual(4);
    expect(new Set(exact.map((r) => r.target))).toEqual(new Set(['queue:ops-ok']));
    const prefix = (await get('/api/v1/audit?target=queue:&pageSize=100', 'admin')).body.items as Array<{ target: string }>;
    expect(new Set(prefix.map((r) => r.target))).toEqual(new Set(['queue:ops-ok', 'queue:ops-idle']));
    expect((await get('/api/v1/audit?target=queue_%25', 'admin')).body.total).toBe(0);
  });
});

describe('links between the console and Bull Board', () => {
  it('serves the SPA shell for deep links, /login?next=… included', async () => {
    for (const path of ['/', '/queues/ops-ok', '/queues/ops-ok/jobs/1?tab=data', '/login?next=%2Fboard%2Fqueue%2Fops-ok']) {
      const res = await request(h.app).get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers['content-type'], path).toMatch(/text\/html/);
      expect(res.text, path).toContain('<div id="root">');
    }
    expect(webDist).toMatch(/web\/dist$/);
  });

  it('sends a signed-out visitor of any board page to /login?next=<that page>', async () => {
    const target = '/board/queue/ops-fail?status=failed';
    const res = await request(h.app).get(target);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(target)}`);
  });

  it('dresses the board as the console (title, mark, link back) and opens it on the queue and job the console links to', async () => {
    const job = await h.runtime.enqueue('ops-idle', { n: 1 });
    const detail = (await get(`/api/v1/queues/ops-idle/jobs/${job.id}`)).body;
    expect(detail.boardUrl).toBe(`/board/queue/ops-idle/${job.id}`);
    const queue = (await get('/api/v1/queues/ops-idle')).body;
    expect(queue.boardUrl).toBe('/board/queue/ops-idle');
    for (const url of [detail.boardUrl, `${queue.boardUrl}?status=failed`]) {
      const page = await get(url, 'operator');
      expect(page.status, url).toBe(200);
      expect(page.text).toContain('<title>Bullpen</title>');
    }
    const config = await get('/board/api/queues', 'operator');
    expect(config.status).toBe(200);
    const html = (await get('/board', 'operator')).text;
    expect(html).toContain('Back to the console');
    expect(html).toContain('data:image/svg+xml');
    expect((await get('/board', 'viewer')).text).toContain('Bullpen (read-only)');
  });
});
