// CSRF, the audit log's veto, the cross-instance login limit, secrets in Bull Board, and helmet.
// (Issue 10's hardening is proved item by item in security-hardening.int.test.ts.)
import { auditLog } from '@bullpen/db';
import { count, eq, sql } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from '@bullpen/jobs';
import { PASSWORDS, scanKeys, startHarness, waitFor, type Harness } from './test-harness.js';
import { testDefinitions } from './test-jobs.js';

let h: Harness;
const auditRows = async () => (await h.database.db.select({ n: count() }).from(auditLog))[0]!.n;

beforeAll(async () => {
  h = await startHarness({ definitions: testDefinitions, env: { LOGIN_MAX_FAILURES: '3' } });
  await h.runtime.queue('ops-idle')!.pause();
});
afterAll(async () => {
  await h?.close();
});

describe('CSRF', () => {
  it('refuses forged cross-site state changes and leaves no trace in state or audit', async () => {
    const queue = h.runtime.queue('ops-ok')!;
    const op = h.as.operator;
    const before = await auditRows();
    const forged = [
      // No token (what a cross-site form post can send: the cookie is all it has).
      request(h.app).post('/api/v1/queues/ops-ok/pause').set('Cookie', op.cookie).send({}),
      request(h.app).post('/api/v1/queues/ops-ok/pause').set('Cookie', op.cookie).set('X-CSRF-Token', 'guess').send({}),
      // Token somehow known, but the browser says the request is cross-site.
      request(h.app).post('/api/v1/queues/ops-ok/pause').set('Cookie', op.cookie).set('X-CSRF-Token', op.csrfToken).set('Sec-Fetch-Site', 'cross-site').send({}),
      request(h.app).post('/api/v1/queues/ops-ok/pause').set('Cookie', op.cookie).set('X-CSRF-Token', op.csrfToken).set('Origin', 'https://evil.example').send({}),
      // Another session's token.
      request(h.app).post('/api/v1/queues/ops-ok/pause').set('Cookie', op.cookie).set('X-CSRF-Token', h.as.admin.csrfToken).send({}),
      request(h.app).post('/api/v1/dead-letters/discard').set('Cookie', op.cookie).send({ filter: { queue: 'ops-fail' } }),
      request(h.app).post('/api/v1/schedules/ops-tick/pause').set('Cookie', op.cookie).set('Sec-Fetch-Site', 'same-site').set('X-CSRF-Token', op.csrfToken).send({}),
      // Bull Board writes: cross-site by Sec-Fetch-Site or by Origin.
      request(h.app).put('/board/api/queues/ops-ok/pause').set('Cookie', op.cookie).set('Sec-Fetch-Site', 'cross-site').send({}),
      request(h.app).put('/board/api/queues/ops-ok/pause').set('Cookie', op.cookie).set('Origin', 'https://evil.example').send({}),
    ];
    for (const res of await Promise.all(forged)) {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('CSRF_FAILED');
    }
    expect(await queue.isPaused()).toBe(false);
    expect((await h.runtime.schedules()).find((s) => s.id === 'ops-tick')?.paused ?? false).toBe(false);
    // Each refusal is audited as rejected (issue 10, item 4), and nothing ran.
    // (Written right after each refusal is answered.)
    const added = await waitFor(async () => {
      const rows = await h.database.db.select().from(auditLog).orderBy(auditLog.id).offset(before);
      return rows.length >= forged.length && rows;
    }, 10_000, 'one audit row per refusal');
    expect(added.length).toBe(forged.length);
    expect(added.every((r) => r.outcome === 'rejected' && (r.detail as { code?: string }).code === 'CSRF_FAILED')).toBe(true);

    // The same request from our own origin with the token goes through.
    const real = await request(h.app).post('/api/v1/queues/ops-ok/pause').set('Cookie', op.cookie).set('X-CSRF-Token', op.csrfToken).set('Sec-Fetch-Site', 'same-origin').send({});
    expect(real.status).toBe(200);
    expect(await queue.isPaused()).toBe(true);
    await queue.resume();
  });

  it('refuses a cross-site sign-in (login CSRF)', async () => {
    const res = await request(h.app).post('/api/v1/auth/login').set('Origin', 'https://evil.example').send({ username: 'viewer', password: PASSWORDS.viewer });
    expect(res.status).toBe(403);
    expect(res.headers['set-cookie']).toBeUndefined();
  });
});

describe('audit log', () => {
  it('refuses an action whose audit record cannot be written, and is append-only', async () => {
    const queue = h.runtime.queue('ops-ok')!;
    await h.database.db.execute(sql`ALTER TABLE audit_log RENAME TO audit_log_away`);
    try {
      const res = await request(h.app).post('/api/v1/queues/ops-ok/pause').set('Cookie', h.as.operator.cookie).set('X-CSRF-Token', h.as.operator.csrfToken).send({});
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('AUDIT_UNAVAILABLE');
      const board = await request(h.app).put('/board/api/queues/ops-ok/pause').set('Cookie', h.as.operator.cookie).set('Sec-Fetch-Site', 'same-origin').send({});
      expect(board.status).toBe(503);
      expect(await queue.isPaused()).toBe(false);
    } finally {
      await h.database.db.execute(sql`ALTER TABLE audit_log_away RENAME TO audit_log`);
    }
    await expect(h.database.db.delete(auditLog).where(eq(auditLog.actor, 'operator'))).rejects.toThrow();
  });
});

describe('login rate limit', () => {
  it('holds across instances: failures on one count on the other, counters live under the queue prefix', async () => {
    const other = await startHarness({ definitions: testDefinitions, database: h.database, prefix: h.prefix, env: { LOGIN_MAX_FAILURES: '3', INSTANCE_ID: 'second-instance' } });
    try {
      const attempt = (app: typeof h.app, password: string) => request(app).post('/api/v1/auth/login').send({ username: 'operator', password });
      expect((await attempt(h.app, 'wrong-1')).status).toBe(401);
      expect((await attempt(other.app, 'wrong-2')).status).toBe(401);
      expect((await attempt(h.app, 'wrong-3')).status).toBe(401);
      const limited = await attempt(other.app, PASSWORDS.operator);
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe('RATE_LIMITED');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect((await attempt(h.app, PASSWORDS.operator)).status).toBe(429);
      // Another user is not affected.
      expect((await request(h.app).post('/api/v1/auth/login').send({ username: 'viewer', password: PASSWORDS.viewer })).status).toBe(200);
      const redis = createRedis(h.redisUrl, 'worker');
      try {
        const keys = await scanKeys(redis, `${h.prefix}:bullpen:login-failures:*`);
        expect(keys.length).toBeGreaterThanOrEqual(2);
      } finally {
        redis.disconnect();
      }
    } finally {
      // Shares the prefix and database: leave both to this file's own cleanup.
      await other.app.dispose();
      await other.runtime.close();
    }
  });
});

describe('secrets in Bull Board', () => {
  it('masks secret values in the board views of job data, for viewers and operators alike', async () => {
    const job = await h.runtime.enqueue('ops-idle', { user: 'bo', password: 'pw-plain', deep: { a: [{ apiKey: 'ak-plain' }], clientSecret: 'cs-plain' } });
    for (const who of ['viewer', 'operator'] as const) {
      const list = await request(h.app).get('/board/api/queues?activeQueue=ops-idle&status=waiting&page=1&jobsPerPage=10').set('Cookie', h.as[who].cookie);
      expect(list.status).toBe(200);
      const jobs = list.body.queues.find((q: { name: string }) => q.name === 'ops-idle').jobs as Array<{ id: string; data: Record<string, unknown> }>;
      const shown = jobs.find((j) => j.id === job.id)!;
      expect(shown.data).toEqual({ user: 'bo', password: '[masked]', deep: { a: [{ apiKey: '[masked]' }], clientSecret: '[masked]' } });
      const one = await request(h.app).get(`/board/api/queues/ops-idle/${job.id}`).set('Cookie', h.as[who].cookie);
      expect(JSON.stringify(one.body)).not.toMatch(/pw-plain|ak-plain|cs-plain/);
      expect(one.body.job.data.password).toBe('[masked]');
    }
  });
});

describe('helmet', () => {
  it('sends a CSP without upgrade-insecure-requests over plain HTTP', async () => {
    const res = await request(h.app).get('/healthz');
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});
