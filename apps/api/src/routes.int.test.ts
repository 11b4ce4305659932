// Every route of the operations API on real Redis and PostgreSQL, success and error paths.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { auditLog } from '@bullpen/db';
import { queuePrefix } from '@bullpen/jobs';
import { QueueEvents } from 'bullmq';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORDS, startHarness, waitFor, type Harness } from './test-harness.js';
import { testDefinitions } from './test-jobs.js';

let h: Harness;
const secretData = { user: 'ann', password: 'hunter2', nested: { apiKey: 'k-123', list: [{ token: 't-1', ok: 1 }] } };

const get = (path: string, role: 'viewer' | 'operator' | 'admin' = 'viewer') => request(h.app).get(path).set('Cookie', h.as[role].cookie);
const post = (path: string, body: object = {}, role: 'viewer' | 'operator' | 'admin' = 'operator') =>
  request(h.app).post(path).set('Cookie', h.as[role].cookie).set('X-CSRF-Token', h.as[role].csrfToken).send(body);

beforeAll(async () => {
  h = await startHarness({ definitions: testDefinitions, roles: { worker: true, scheduler: true }, env: { METRICS_TOKEN: 'metrics-token-0123456789' } });
  await h.runtime.queue('ops-idle')!.pause();
});
afterAll(async () => {
  await h?.close();
});

describe('auth', () => {
  it('refuses a wrong password with 401 and a stable code', async () => {
    const res = await request(h.app).post('/api/v1/auth/login').send({ username: 'viewer', password: 'nope' });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('INVALID_CREDENTIALS');
  });

  it('sets an httpOnly SameSite=Strict cookie (not Secure over plain HTTP), rotates it on login, and /me answers', async () => {
    const first = await request(h.app).post('/api/v1/auth/login').send({ username: 'viewer', password: PASSWORDS.viewer });
    const setCookie = (first.headers['set-cookie'] as unknown as string[])[0]!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).not.toMatch(/Secure/);
    const oldCookie = setCookie.split(';')[0]!;
    const second = await request(h.app).post('/api/v1/auth/login').set('Cookie', oldCookie).send({ username: 'viewer', password: PASSWORDS.viewer });
    const newCookie = (second.headers['set-cookie'] as unknown as string[])[0]!.split(';')[0]!;
    expect(newCookie).not.toBe(oldCookie);
    expect((await request(h.app).get('/api/v1/auth/me').set('Cookie', oldCookie)).status).toBe(401);
    const me = await request(h.app).get('/api/v1/auth/me').set('Cookie', newCookie);
    expect(me.body).toEqual({ user: 'viewer', role: 'viewer', csrfToken: second.body.csrfToken });
  });

  it('sets Secure on the cookie when the request came over TLS through a trusted proxy', async () => {
    const other = await startHarness({ definitions: [], env: { TRUST_PROXY: 'true' }, database: h.database, prefix: `${h.prefix}-tls` });
    try {
      const res = await request(other.app).post('/api/v1/auth/login').set('X-Forwarded-Proto', 'https').send({ username: 'viewer', password: PASSWORDS.viewer });
      expect((res.headers['set-cookie'] as unknown as string[])[0]).toMatch(/; Secure/);
    } finally {
      await other.close();
    }
  });

  it('logout ends the session', async () => {
    const creds = await h.login('viewer', PASSWORDS.viewer);
    const out = await request(h.app).post('/api/v1/auth/logout').set('Cookie', creds.cookie).set('X-CSRF-Token', creds.csrfToken);
    expect(out.status).toBe(200);
    expect((await request(h.app).get('/api/v1/auth/me').set('Cookie', creds.cookie)).status).toBe(401);
  });

  it('validates the login body', async () => {
    const res = await request(h.app).post('/api/v1/auth/login').send({ username: 5 });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details.issues.length).toBeGreaterThan(0);
  });
});

describe('queues and jobs', () => {
  let waitingIds: string[];
  beforeAll(async () => {
    const idle = h.runtime.queue('ops-idle')!;
    const jobs = await idle.addBulk([1, 2, 3].map((n) => ({ name: 'ops-idle', data: { ...secretData, n } })));
    waitingIds = jobs.map((j) => j.id!);
  });

  it('lists every queue with counts, rates, breaker and a board link', async () => {
    const res = await get('/api/v1/queues');
    expect(res.status).toBe(200);
    const names = res.body.queues.map((q: { name: string }) => q.name);
    expect(names).toEqual(expect.arrayContaining(['ops-ok', 'ops-fail', 'ops-idle', 'ops-tick']));
    const idle = res.body.queues.find((q: { name: string }) => q.name === 'ops-idle');
    expect(idle.counts.waiting).toBe(3);
    expect(idle.paused).toBe(true);
    expect(idle.breaker.state).toBe('closed');
    expect(idle.boardUrl).toBe('/board/queue/ops-idle');
    expect(idle.completedPerMinute).toHaveLength(60);
  });

  it('shows one queue, and 404s an unknown one', async () => {
    const res = await get('/api/v1/queues/ops-idle');
    expect(res.status).toBe(200);
    expect(res.body.settings.attempts).toBe(3);
    expect(res.body.counts.waiting).toBe(3);
    const missing = await get('/api/v1/queues/nope');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('QUEUE_NOT_FOUND');
  });

  it('pages jobs by state with secrets masked, caps the page size and finds by id', async () => {
    const res = await get('/api/v1/queues/ops-idle/jobs?state=waiting&page=1&pageSize=2');
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(3);
    expect(res.body.items).toHaveLength(2);
    const data = res.body.items[0].data;
    expect(data.password).toBe('[masked]');
    expect(data.nested.apiKey).toBe('[masked]');
    expect(data.nested.list[0]).toEqual({ token: '[masked]', ok: 1 });
    expect(data.user).toBe('ann');
    expect((await get('/api/v1/queues/ops-idle/jobs?state=waiting&pageSize=5000')).body.pageSize).toBe(100);
    const byId = await get(`/api/v1/queues/ops-idle/jobs?state=waiting&id=${waitingIds[1]}`);
    expect(byId.body.items.map((j: { id: string }) => j.id)).toEqual([waitingIds[1]]);
    const bad = await get('/api/v1/queues/ops-idle/jobs?state=bogus');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect((await get('/api/v1/queues/nope/jobs')).status).toBe(404);
  });

  it('shows one job with masked data and its timeline, and 404s unknown jobs', async () => {
    const res = await get(`/api/v1/queues/ops-idle/jobs/${waitingIds[0]}`);
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('waiting');
    expect(res.body.data.password).toBe('[masked]');
    expect(res.body.timeline[0].event).toBe('added');
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
    const missing = await get('/api/v1/queues/ops-idle/jobs/does-not-exist');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('JOB_NOT_FOUND');
  });

  it('finds a job by id across queues', async () => {
    const res = await get(`/api/v1/jobs/${waitingIds[0]}`);
    expect(res.status).toBe(200);
    expect(res.body.matches.map((m: { queue: string }) => m.queue)).toContain('ops-idle');
    expect(JSON.stringify(res.body)).not.toContain('k-123');
    expect((await get('/api/v1/jobs/nothing-like-this')).status).toBe(404);
  });

  it('pauses and resumes a queue, recording both in the audit log', async () => {
    const queue = h.runtime.queue('ops-ok')!;
    expect((await post('/api/v1/queues/ops-ok/pause')).body).toEqual({ queue: 'ops-ok', paused: true });
    expect(await queue.isPaused()).toBe(true);
    expect((await post('/api/v1/queues/ops-ok/resume')).status).toBe(200);
    expect(await queue.isPaused()).toBe(false);
    const rows = await h.database.db.select().from(auditLog).where(eq(auditLog.target, 'queue:ops-ok'));
    const pauses = rows.filter((r) => r.action === 'queue.pause');
    expect(pauses.map((r) => r.outcome).sort()).toEqual(['started', 'succeeded']);
    expect(pauses[0]).toMatchObject({ actor: 'operator', role: 'operator', instanceId: h.runtime.instanceId });
    expect(new Set(pauses.map((r) => r.attemptId)).size).toBe(1);
    expect((await post('/api/v1/queues/nope/pause')).status).toBe(404);
  });

  it('promotes, removes and retries a selection, and 404s a selection of unknown jobs', async () => {
    const idle = h.runtime.queue('ops-idle')!;
    const delayed = await idle.add('ops-idle', { n: 9 }, { delay: 3_600_000 });
    const promoted = await post('/api/v1/queues/ops-idle/jobs/promote', { ids: [delayed.id, 'ghost'] });
    expect(promoted.status).toBe(200);
    expect(promoted.body.results).toEqual([{ id: delayed.id, outcome: 'done' }, { id: 'ghost', outcome: 'not-found' }]);
    expect(await idle.getJobState(delayed.id!)).toBe('waiting');
    const notDelayed = await post('/api/v1/queues/ops-idle/jobs/promote', { ids: [delayed.id] });
    expect(notDelayed.body.results[0].outcome).toBe('refused');

    const removed = await post('/api/v1/queues/ops-idle/jobs/remove', { ids: [delayed.id] });
    expect(removed.body.results[0].outcome).toBe('done');
    expect(await idle.getJob(delayed.id!)).toBeUndefined();
    const none = await post('/api/v1/queues/ops-idle/jobs/remove', { ids: ['ghost-1', 'ghost-2'] });
    expect(none.status).toBe(404);
    expect(none.body.error.code).toBe('JOB_NOT_FOUND');
    expect((await post('/api/v1/queues/ops-idle/jobs/retry', { ids: [] })).status).toBe(400);
  });

  it('retries failed jobs one by one and all at once', async () => {
    const events = new QueueEvents('ops-fail', { connection: { url: h.redisUrl }, prefix: queuePrefix(h.prefix, 'ops-fail') });
    await events.waitUntilReady();
    try {
      const fail = h.runtime.queue('ops-fail')!;
      await h.runtime.queue('ops-fail')!.pause();
      const jobs = await fail.addBulk([1, 2, 3].map((n) => ({ name: 'ops-fail', data: { n } })));
      const finished = Promise.all(jobs.map((j) => j.waitUntilFinished(events, 10_000).catch(() => 'failed')));
      await fail.resume();
      await finished;
      expect(await fail.getJobCountByTypes('failed')).toBe(3);
      await fail.pause();
      const one = await post('/api/v1/queues/ops-fail/jobs/retry', { ids: [jobs[0]!.id] });
      expect(one.body.results[0].outcome).toBe('done');
      expect(await fail.getJobCountByTypes('failed')).toBe(2);
      const all = await post('/api/v1/queues/ops-fail/retry-failed');
      expect(all.body).toEqual({ queue: 'ops-fail', retried: 2, complete: true });
      expect(await fail.getJobCountByTypes('failed')).toBe(0);
      expect(await fail.getJobCountByTypes('wait')).toBe(3);
      await post('/api/v1/queues/ops-fail/drain');
      await fail.resume();
    } finally {
      await events.close();
    }
  });

  it('drains waiting jobs and cleans finished ones in batches', async () => {
    const idle = h.runtime.queue('ops-idle')!;
    const before = await idle.getJobCountByTypes('wait');
    expect(before).toBeGreaterThan(0);
    const drained = await post('/api/v1/queues/ops-idle/drain', {});
    expect(drained.body).toMatchObject({ queue: 'ops-idle', removed: before, complete: true });
    expect(await idle.getJobCountByTypes('wait')).toBe(0);

    const events = new QueueEvents('ops-ok', { connection: { url: h.redisUrl }, prefix: queuePrefix(h.prefix, 'ops-ok') });
    await events.waitUntilReady();
    try {
      const job = await h.runtime.enqueue('ops-ok', { n: 1 });
      await job.waitUntilFinished(events, 10_000);
    } finally {
      await events.close();
    }
    const completed = await h.runtime.queue('ops-ok')!.getJobCountByTypes('completed');
    expect(completed).toBeGreaterThan(0);
    const cleaned = await post('/api/v1/queues/ops-ok/clean', { state: 'completed', olderThanMs: 0 });
    expect(cleaned.body).toMatchObject({ state: 'completed', removed: completed, complete: true });
    const bad = await post('/api/v1/queues/ops-ok/clean', { state: 'active', olderThanMs: 0 });
    expect(bad.status).toBe(400);
  });

  it('resets a breaker', async () => {
    const res = await post('/api/v1/queues/ops-fail/breaker/reset');
    expect(res.body).toEqual({ queue: 'ops-fail', breaker: 'closed' });
    expect((await post('/api/v1/queues/nope/breaker/reset')).status).toBe(404);
  });
});

describe('schedules', () => {
  it('lists, triggers, pauses and resumes, and 404s unknown or unscheduled ids', async () => {
    const list = await get('/api/v1/schedules');
    const tick = list.body.schedules.find((s: { id: string }) => s.id === 'ops-tick');
    expect(tick).toMatchObject({ every: 3_600_000, paused: false });
    expect(tick.next).toBeGreaterThan(Date.now() - 60_000);
    const trigger = await post('/api/v1/schedules/ops-tick/trigger');
    expect(trigger.status).toBe(202);
    expect(trigger.body.jobId).toMatch(/^manual-ops-tick-/);
    await post('/api/v1/schedules/ops-tick/pause');
    expect((await get('/api/v1/schedules')).body.schedules.find((s: { id: string }) => s.id === 'ops-tick')).toMatchObject({ paused: true, next: null });
    await post('/api/v1/schedules/ops-tick/resume');
    expect((await get('/api/v1/schedules')).body.schedules.find((s: { id: string }) => s.id === 'ops-tick').paused).toBe(false);
    expect((await post('/api/v1/schedules/ops-ok/trigger')).body.error.code).toBe('SCHEDULE_NOT_FOUND');
    expect((await post('/api/v1/schedules/nope/pause')).status).toBe(404);
  });
});

describe('dead letters', () => {
  beforeAll(async () => {
    const fail = h.runtime.queue('ops-fail')!;
    await fail.addBulk([11, 12, 13, 14].map((n) => ({ name: 'ops-fail', data: { n, secret: 's3cr3t' } })));
    await waitFor(async () => (await h.runtime.deadLetters.list({ queue: 'ops-fail', status: 'dead' })).total >= 4, 15_000, 'dead letters');
  });

  it('lists with filters and masks data', async () => {
    const res = await get('/api/v1/dead-letters?queue=ops-fail&q=upstream&pageSize=2');
    expect(res.status).toBe(200);
    expect(res.body.total).toBeGreaterThanOrEqual(4);
    expect(res.body.items).toHaveLength(2);
    expect(res.body.items[0].data.secret).toBe('[masked]');
    expect((await get('/api/v1/dead-letters?queue=ops-ok')).body.total).toBe(0);
    expect((await get(`/api/v1/dead-letters?from=${new Date(Date.now() + 3_600_000).toISOString()}`)).body.total).toBe(0);
    expect((await get('/api/v1/dead-letters?from=not-a-date')).status).toBe(400);
  });

  it('groups by fingerprint, exports JSON, and shows one', async () => {
    const groups = await get('/api/v1/dead-letters/groups?queue=ops-fail');
    expect(groups.body.groups[0]).toMatchObject({ fingerprint: 'Error: upstream refused order <n>', queue: 'ops-fail' });
    expect(groups.body.groups[0].sample).toMatch(/^upstream refused order \d+$/);
    expect(groups.body.groups[0].count).toBeGreaterThanOrEqual(4);
    const exported = await get('/api/v1/dead-letters/export?queue=ops-fail');
    expect(exported.headers['content-disposition']).toMatch(/attachment; filename="dead-letters-/);
    expect(exported.body.items.length).toBe(exported.body.total);
    expect(JSON.stringify(exported.body)).not.toContain('s3cr3t');
    const one = await get(`/api/v1/dead-letters/${exported.body.items[0].id}`);
    expect(one.body.id).toBe(exported.body.items[0].id);
    expect((await get('/api/v1/dead-letters/999999999')).body.error.code).toBe('DEAD_LETTER_NOT_FOUND');
  });

  it('replays by ids, discards by filter, refuses an empty filter and 404s unknown ids', async () => {
    const list = await get('/api/v1/dead-letters?queue=ops-fail');
    const id = list.body.items[0].id as number;
    const replay = await post('/api/v1/dead-letters/replay', { ids: [id] });
    expect(replay.body.replayed).toEqual([{ id, queue: 'ops-fail', jobId: `dead-letter-${id}` }]);
    const again = await post('/api/v1/dead-letters/replay', { ids: [id] });
    expect(again.body).toEqual({ replayed: [], skipped: [id] });
    expect((await post('/api/v1/dead-letters/replay', { ids: [987654321] })).status).toBe(404);
    expect((await post('/api/v1/dead-letters/discard', { filter: {} })).status).toBe(400);
    const discard = await post('/api/v1/dead-letters/discard', { filter: { queue: 'ops-fail', q: 'order 14' } });
    expect(discard.body.discarded.length).toBe(1);
    const discarded = await get('/api/v1/dead-letters?status=discarded');
    expect(discarded.body.items.map((d: { id: number }) => d.id)).toEqual(discard.body.discarded);
  });
});

describe('workers, instances, audit, OpenAPI', () => {
  it('lists workers by queue with the instance as their name, and instances with heartbeats', async () => {
    const workers = await get('/api/v1/workers');
    expect(workers.body.workers.filter((w: { queue: string }) => w.queue === 'ops-ok').map((w: { name: string }) => w.name)).toContain(h.runtime.instanceId);
    expect((await get('/api/v1/workers?queue=ops-idle')).body.workers.every((w: { queue: string }) => w.queue === 'ops-idle')).toBe(true);
    const instances = await get('/api/v1/instances');
    expect(instances.body.instances.find((i: { instanceId: string }) => i.instanceId === h.runtime.instanceId)).toMatchObject({ alive: true, roles: { worker: true }, clockSkewMs: expect.any(Number), clockSkewed: false });
  });

  it('shows the audit log to admins, newest first, filtered', async () => {
    const res = await get('/api/v1/audit?action=queue.pause&pageSize=10', 'admin');
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThanOrEqual(2);
    expect(res.body.items.every((r: { action: string }) => r.action === 'queue.pause')).toBe(true);
    expect((await get('/api/v1/audit', 'operator')).status).toBe(403);
    expect((await get('/api/v1/audit?outcome=maybe', 'admin')).status).toBe(400);
  });

  it('describes every route in OpenAPI', async () => {
    const res = await get('/api/v1/openapi.json');
    expect(res.body.openapi).toBe('3.1.0');
    for (const route of h.app.routes) {
      const path = `/api/v1${route.path}`.replace(/:(\w+)/g, '{$1}');
      expect(res.body.paths[path]?.[route.method]?.['x-role']).toBe(route.role);
    }
  });
});

describe('live events, metrics, health', () => {
  it('streams queue changes as server-sent events', async () => {
    const server = h.app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const controller = new AbortController();
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/events`, { headers: { Cookie: h.as.viewer.cookie }, signal: controller.signal });
      expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      const nextQueuesEvent = async () => {
        for (;;) {
          const end = buffer.indexOf('\n\n');
          if (end >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (frame.startsWith('event: queues')) return JSON.parse(frame.split('\n')[1]!.slice(6)) as { queues: Array<{ name: string; counts: { waiting: number } }> };
            continue;
          }
          const { value, done } = await reader.read();
          if (done) throw new Error('stream ended');
          buffer += decoder.decode(value);
        }
      };
      const first = await nextQueuesEvent();
      const before = first.queues.find((q) => q.name === 'ops-idle')!.counts.waiting;
      await h.runtime.enqueue('ops-idle', { n: 100 });
      const deadline = setTimeout(() => controller.abort(), 10_000);
      let after = before;
      while (after === before) after = (await nextQueuesEvent()).queues.find((q) => q.name === 'ops-idle')!.counts.waiting;
      clearTimeout(deadline);
      expect(after).toBe(before + 1);
    } finally {
      controller.abort();
      server.closeAllConnections();
      server.close();
    }
  });

  it('serves Prometheus metrics to the token or an admin, not to others', async () => {
    const res = await request(h.app).get('/metrics').set('Authorization', 'Bearer metrics-token-0123456789');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/bullpen_queue_jobs\{queue="ops-ok",state="waiting"\} \d+/);
    expect(res.text).toMatch(/bullpen_dead_letters\{queue="ops-fail"\} [1-9]/);
    expect(res.text).toMatch(/bullpen_job_duration_seconds_count\{queue="ops-fail",outcome="failed"\} [1-9]/);
    expect(res.text).toMatch(/bullpen_breaker_state\{queue="ops-ok",instance="[^"]+"\} 0/);
    expect(res.text).toContain(`bullpen_instance_up{instance="${h.runtime.instanceId}"} 1`);
    expect(res.text).toMatch(new RegExp(`bullpen_instance_clock_skew_seconds\\{instance="${h.runtime.instanceId}"\\} -?\\d`));
    expect(res.text).toMatch(/bullpen_outbox_rows\{state="unknown_queue"\} 0/);
    expect(res.text).toMatch(/bullpen_queue_completed_per_minute\{queue="ops-ok"\}/);
    expect((await get('/metrics', 'admin')).status).toBe(200);
    expect((await get('/metrics', 'operator')).status).toBe(403);
    expect((await request(h.app).get('/metrics').set('Authorization', 'Bearer wrong-token-000000000')).status).toBe(401);
  });

  it('keeps /healthz and /readyz shapes', async () => {
    expect((await request(h.app).get('/healthz')).body).toEqual({ status: 'ok', instanceId: h.runtime.instanceId, roles: ['http'], version: 'test' });
    expect((await request(h.app).get('/readyz')).body).toEqual({ status: 'ready', checks: { redis: true, postgres: true }, reasons: {} });
  });
});

describe('errors', () => {
  it('answers 413 to an oversized body, 400 to broken JSON, 404 to unknown routes, all in one shape', async () => {
    const big = await post('/api/v1/queues/ops-ok/jobs/retry', { ids: ['x'.repeat(200_000)] });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    const broken = await request(h.app)
      .post('/api/v1/queues/ops-ok/pause')
      .set('Cookie', h.as.operator.cookie)
      .set('X-CSRF-Token', h.as.operator.csrfToken)
      .set('Content-Type', 'application/json')
      .send('{"a":');
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('INVALID_JSON');
    const unknown = await get('/api/v1/nothing/here');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
    const encoded = await get('/api/v1/queues/%E0%A4%A');
    expect(encoded.status).toBe(400);
  });
});
