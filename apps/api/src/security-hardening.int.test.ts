// Issue 10, item by item: each describe block is named after the item it proves, on real Redis,
// PostgreSQL and BullMQ. Client addresses come through TRUST_PROXY + X-Forwarded-For.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { auditLog, deadLetters } from '@bullpen/db';
import { rowsOf } from '@bullpen/db';
import { testServerUrl } from '@bullpen/db/testing';
import { createRedis, defineJob } from '@bullpen/jobs';
import { deleteKeysUnder } from '@bullpen/jobs/testing';
import { and, eq, gt, sql } from 'drizzle-orm';
import pg from 'pg';
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger } from './logger.js';
import { loadConfig } from './config.js';
import type { Route } from './http/route-table.js';
import { MASKED_SURFACES } from './ops/masked-surfaces.js';
import { BOARD_PATH, boardPolicies } from './policy.js';
import { startInstance, type Instance } from './server.js';
import { PASSWORDS, scanKeys, startHarness, waitFor, type Harness } from './test-harness.js';
import { testDefinitions } from './test-jobs.js';

// Small limits keep the many password checks (scrypt) of these tests cheap.
const LIMIT = 5;
const PER_ADDRESS = 12;
const WINDOW_SECONDS = 900;
const LEAKY = 'ops-leaky';

// Canaries: every planted secret contains CANARY; no surface may show that word afterwards.
const ENTROPY = 'x9Kq2Lm8Pz4Rt7Vw1Ys5Bn3Hj6Fd0Gc';
const freeText = (n: number) => `token=CANARY-t${n} via postgres://svc:CANARY-u${n}@db.internal/game with Authorization: Bearer CANARY${n}bearer and eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.CANARY${n}sig and CANARY${ENTROPY}${n}`;
const canaryData = {
  user: 'bo',
  passwords: ['CANARY-k1'],
  password_hash: 'CANARY-k2',
  passwordConfirmation: 'CANARY-k3',
  dbUrl: 'postgres://app:CANARY-k4@db.internal:5432/game',
  bearer: 'CANARY-k5',
  accessKeyId: 'CANARY-k6',
  headers: { 'X-Auth': 'CANARY-k7', accept: 'json' },
  jwt: 'CANARY-k8',
  pin: 'CANARY-k9',
  otp: 'CANARY-k10',
  cvv: 'CANARY-k11',
  ssn: 'CANARY-k12',
  note: 'customer said password=CANARY-v1 on the phone',
  free: freeText(1),
  // MASK_EXTRA_KEYS=guildCode
  guildCode: 'CANARY-x1',
};

/** Fails with canaries in its message (so in failedReason, stacktrace and the dead letter's error). */
const leakyJob = defineJob({
  queue: LEAKY,
  description: 'Leaks canaries into every field it can',
  timeoutMs: 5_000,
  attempts: 1,
  input: z.record(z.string(), z.unknown()),
  process: async ({ input }) => {
    if (input.fail) throw new Error(`upstream refused: ${freeText(2)}`);
    return { summary: `done, ${freeText(3)}` };
  },
});

let h: Harness;
const logLines: string[] = [];
const ip = (n: number) => `10.10.0.${n}`;
const asOperator = (req: request.Test) => req.set('Cookie', h.as.operator.cookie).set('X-CSRF-Token', h.as.operator.csrfToken);
const login = (username: string, password: string, from: string) => request(h.app).post('/api/v1/auth/login').set('X-Forwarded-For', from).send({ username, password });
const auditRowsSince = async (id: number) => h.database.db.select().from(auditLog).where(gt(auditLog.id, id)).orderBy(auditLog.id);
const lastAuditId = async () => (await h.database.db.select({ id: auditLog.id }).from(auditLog).orderBy(auditLog.id)).at(-1)?.id ?? 0;

beforeAll(async () => {
  const env = { LOGIN_MAX_FAILURES: String(LIMIT), LOGIN_MAX_FAILURES_PER_ADDRESS: String(PER_ADDRESS), TRUST_PROXY: 'true', MASK_EXTRA_KEYS: 'guildCode', LOG_LEVEL: 'info' };
  const capture = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger(loadConfig({ ...env, INSTANCE_ID: 'hardening' }), { isTTY: false }, capture);
  h = await startHarness({ definitions: [...testDefinitions, leakyJob], roles: { worker: true, scheduler: false }, env, logger });
  await h.runtime.queue('ops-idle')!.pause();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

describe('1. login limit races', () => {
  it('lets at most the limit of 30 concurrent wrong passwords reach the password check; the rest get 429', async () => {
    const replies = await Promise.all(Array.from({ length: 30 }, (_, i) => login('operator', `wrong-${i}`, ip(1))));
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(LIMIT);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(30 - LIMIT);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    // Even the right password is refused from there now.
    expect((await login('operator', PASSWORDS.operator, ip(1))).status).toBe(429);
  });
});

describe('2. lockout as a weapon', () => {
  it('an attacker address cannot lock the admin out from another address; locked sign-ins are audited; repeated lockouts back off', async () => {
    const before = await lastAuditId();
    const attacker = ip(66);
    const guesses = await Promise.all(Array.from({ length: LIMIT }, (_, i) => login('admin', `guess-${i}`, attacker)));
    expect(guesses.map((r) => r.status)).toEqual(Array(LIMIT).fill(401));
    // Spraying made-up names from the same address trips the address limit too.
    const spray = await Promise.all(Array.from({ length: PER_ADDRESS }, (_, i) => login(`nobody-${i}`, 'x', attacker)));
    expect(spray.some((r) => r.status === 429)).toBe(true);
    const locked = await login('admin', PASSWORDS.admin, attacker);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(WINDOW_SECONDS);
    // The real admin, elsewhere, signs in.
    expect((await login('admin', PASSWORDS.admin, ip(7))).status).toBe(200);
    // Backoff: once the window has passed (its counters expire; the strikes stay a day), the next
    // lockout of the same pair lasts twice as long.
    const redis = createRedis(h.redisUrl, 'worker');
    try {
      const counters = [...(await scanKeys(redis, `${h.prefix}:{bullpen}:login-failures:pair:*`)), ...(await scanKeys(redis, `${h.prefix}:{bullpen}:login-failures:ip:*`))];
      expect(counters.length).toBeGreaterThan(0);
      await redis.del(...counters);
    } finally {
      redis.disconnect();
    }
    const again = await Promise.all(Array.from({ length: LIMIT }, (_, i) => login('admin', `again-${i}`, attacker)));
    expect(again.map((r) => r.status)).toEqual(Array(LIMIT).fill(401));
    const relocked = await login('admin', PASSWORDS.admin, attacker);
    expect(relocked.status).toBe(429);
    expect(Number(relocked.headers['retry-after'])).toBeGreaterThan(WINDOW_SECONDS * 1.9);
    const rows = await auditRowsSince(before);
    const lockedRows = rows.filter((r) => r.action === 'auth.sign-in' && r.outcome === 'rejected' && (r.detail as { code?: string }).code === 'RATE_LIMITED');
    expect(lockedRows.some((r) => r.actor === 'admin' && r.ip === attacker)).toBe(true);
    expect(rows.some((r) => r.action === 'auth.sign-in' && r.outcome === 'succeeded' && r.actor === 'admin' && r.ip === ip(7))).toBe(true);
  });
});

describe('3. secrets masked by key and by value, in every field and every surface', () => {
  let failedId: string;
  let completedId: string;
  const bodies = new Map<string, string>();

  beforeAll(async () => {
    const queue = h.runtime.queue(LEAKY)!;
    const failed = await queue.add(`deliver ${freeText(4)}`, { ...canaryData, fail: true }, { attempts: 1 });
    const completed = await queue.add(`settle ${freeText(5)}`, { ...canaryData });
    failedId = failed.id!;
    completedId = completed.id!;
    await waitFor(async () => (await queue.getJob(failedId))?.failedReason, 15_000, 'the leaky job to fail');
    await waitFor(async () => (await queue.getJob(completedId))?.returnvalue, 15_000, 'the leaky job to complete');
    for (const id of [failedId, completedId]) {
      const job = (await queue.getJob(id))!;
      await job.log(`calling the bank with ${freeText(6)}`);
      await job.updateProgress(`step 2: ${freeText(7)}`);
    }
    await waitFor(async () => (await h.runtime.deadLetters.list({ queue: LEAKY })).total > 0, 15_000, 'the dead letter');
    // Audit params: an admin adds a job on the board with secrets in its data, and a viewer's refused
    // write carries one in its body.
    const added = await request(h.app)
      .post(`/board/api/queues/ops-idle/add`)
      .set('Cookie', h.as.admin.cookie)
      .set('Sec-Fetch-Site', 'same-origin')
      .send({ name: `add ${freeText(8)}`, data: canaryData, options: {} });
    expect(added.status).toBe(200);
    const refused = await request(h.app).post('/api/v1/dead-letters/discard').set('Cookie', h.as.viewer.cookie).set('X-CSRF-Token', h.as.viewer.csrfToken).send({ filter: { q: freeText(9) } });
    expect(refused.status).toBe(403);
  }, 60_000);

  const viewer = (path: string) => request(h.app).get(path).set('Cookie', h.as.viewer.cookie);
  const letterId = async () => (await h.runtime.deadLetters.list({ queue: LEAKY })).items[0]!.id;
  const readers: Record<string, () => Promise<string>> = {
    'GET /api/v1/queues/:queue/jobs': async () => (await viewer(`/api/v1/queues/${LEAKY}/jobs?state=failed`)).text + (await viewer(`/api/v1/queues/${LEAKY}/jobs?state=completed`)).text,
    'GET /api/v1/queues/:queue/jobs/:id': async () => (await viewer(`/api/v1/queues/${LEAKY}/jobs/${failedId}`)).text + (await viewer(`/api/v1/queues/${LEAKY}/jobs/${completedId}`)).text,
    'GET /api/v1/jobs/:id': async () => (await viewer(`/api/v1/jobs/${failedId}`)).text + (await viewer(`/api/v1/jobs/${completedId}`)).text,
    'GET /board/api/queues': async () =>
      (await viewer(`/board/api/queues?activeQueue=${LEAKY}&status=failed&page=1&jobsPerPage=10`)).text +
      (await viewer(`/board/api/queues?activeQueue=${LEAKY}&status=completed&page=1&jobsPerPage=10`)).text +
      (await viewer(`/board/api/queues?activeQueue=ops-idle&status=waiting&page=1&jobsPerPage=10`)).text,
    'GET /board/api/queues/:queue/:id': async () => (await viewer(`/board/api/queues/${LEAKY}/${failedId}`)).text + (await viewer(`/board/api/queues/${LEAKY}/${completedId}`)).text,
    'GET /board/api/queues/:queue/:id/logs': async () => (await viewer(`/board/api/queues/${LEAKY}/${failedId}/logs`)).text,
    'GET /api/v1/dead-letters': async () => (await viewer(`/api/v1/dead-letters?queue=${LEAKY}`)).text,
    'GET /api/v1/dead-letters/:id': async () => (await viewer(`/api/v1/dead-letters/${await letterId()}`)).text,
    'GET /api/v1/dead-letters/groups': async () => (await viewer(`/api/v1/dead-letters/groups?queue=${LEAKY}`)).text,
    'GET /api/v1/dead-letters/export': async () => (await viewer(`/api/v1/dead-letters/export?queue=${LEAKY}`)).text,
    'dead_letters table': async () => JSON.stringify(await h.database.db.select({ error: deadLetters.error, fingerprint: deadLetters.fingerprint }).from(deadLetters).where(eq(deadLetters.queue, LEAKY))),
    'GET /api/v1/events (SSE)': async () => readFirstEvent(h),
    logs: async () => logLines.join('\n'),
    'audit_log.params': async () => (await request(h.app).get('/api/v1/audit?pageSize=100').set('Cookie', h.as.admin.cookie)).text,
  };

  it('the surfaces table and this test name the same surfaces', () => {
    expect(Object.keys(readers).sort()).toEqual(MASKED_SURFACES.map((s) => s.surface).sort());
  });

  it.each(MASKED_SURFACES.map((s) => [s.surface]))('%s shows no canary', async (surface) => {
    const body = await readers[surface]!();
    bodies.set(surface, body);
    expect(body.length).toBeGreaterThan(20);
    const leaks = [...body.matchAll(/.{0,60}CANARY.{0,20}/g)].map((m) => m[0]);
    expect(leaks, surface).toEqual([]);
    // The planted secrets did reach the surface (masked), so "no canary" is not for want of content.
    // The event stream carries queue statistics only.
    if (surface !== 'GET /api/v1/events (SSE)') expect(body, surface).toContain('[masked]');
  });

  it('masks what it must and keeps what it may: the job is still readable', async () => {
    const detail = (await viewer(`/api/v1/queues/${LEAKY}/jobs/${failedId}`)).body;
    expect(detail.data).toMatchObject({ user: 'bo', password_hash: '[masked]', headers: { 'X-Auth': '[masked]', accept: 'json' }, dbUrl: 'postgres://app:[masked]@db.internal:5432/game' });
    expect(detail.failedReason).toContain('upstream refused: token=[masked]');
    expect(detail.stacktrace.length).toBeGreaterThan(0);
    expect(detail.logs.lines[0]).toContain('calling the bank with');
    // The dead letter keeps the raw data for replay, and only there.
    const [row] = await h.database.db.select({ data: deadLetters.data }).from(deadLetters).where(eq(deadLetters.queue, LEAKY));
    expect((row!.data as { password_hash: string }).password_hash).toBe('CANARY-k2');
  });
});

describe('4. unaudited actions', () => {
  it('audits refused requests (403, CSRF, 400, 404), sign-in attempts, sign-out and board writes with their parameters', async () => {
    const before = await lastAuditId();
    const from = ip(40);
    const viewer = await request(h.app).post('/api/v1/queues/ops-ok/pause').set('X-Forwarded-For', from).set('Cookie', h.as.viewer.cookie).set('X-CSRF-Token', h.as.viewer.csrfToken).send({});
    expect(viewer.status).toBe(403);
    const csrf = await request(h.app).post('/api/v1/queues/ops-ok/pause').set('X-Forwarded-For', from).set('Cookie', h.as.operator.cookie).send({});
    expect(csrf.status).toBe(403);
    const invalid = await asOperator(request(h.app).post('/api/v1/queues/ops-ok/clean').set('X-Forwarded-For', from)).send({ state: 'nonsense', olderThanMs: -1 });
    expect(invalid.status).toBe(400);
    const missing = await asOperator(request(h.app).post('/api/v1/queues/no-such-queue/pause').set('X-Forwarded-For', from)).send({});
    expect(missing.status).toBe(404);
    const noRoute = await asOperator(request(h.app).post('/api/v1/queues/ops-ok/explode').set('X-Forwarded-For', from)).send({ how: 'loudly' });
    expect(noRoute.status).toBe(404);
    const badJson = await asOperator(request(h.app).post('/api/v1/queues/ops-ok/pause').set('X-Forwarded-For', from)).set('Content-Type', 'application/json').send('{"half":');
    expect(badJson.status).toBe(400);
    expect((await login('viewer', 'wrong-password', from)).status).toBe(401);
    const session = await login('viewer', PASSWORDS.viewer, from);
    expect(session.status).toBe(200);
    const cookie = (session.headers['set-cookie'] as unknown as string[])[0]!.split(';')[0]!;
    const signOut = await request(h.app).post('/api/v1/auth/logout').set('X-Forwarded-For', from).set('Cookie', cookie).set('X-CSRF-Token', session.body.csrfToken).send({});
    expect(signOut.status).toBe(200);
    const boardAdd = await request(h.app)
      .post('/board/api/queues/ops-idle/add')
      .set('X-Forwarded-For', from)
      .set('Cookie', h.as.admin.cookie)
      .set('Sec-Fetch-Site', 'same-origin')
      .send({ name: 'manual', data: { order: 4711, password: 'pw' }, options: {} });
    expect(boardAdd.status).toBe(200);

    // Refusals and the board's outcome are recorded once their answer has gone out.
    const rows = await waitFor(async () => {
      const all = await auditRowsSince(before);
      const refusals = all.filter((r) => r.outcome === 'rejected' && r.ip === from).length;
      return refusals >= 7 && all.some((r) => r.action === 'board.post' && r.outcome === 'succeeded') && all;
    }, 10_000, 'the refusal and board outcome rows');
    const find = (pred: (r: (typeof rows)[number]) => boolean, what: string) => {
      const row = rows.find(pred);
      expect(row, what).toBeDefined();
      expect(row!.ip, `${what}: address`).toBe(from);
      return row!;
    };
    const detail = (r: (typeof rows)[number]) => r.detail as { status?: number; code?: string };
    find((r) => r.actor === 'viewer' && r.action === 'queue.pause' && r.outcome === 'rejected' && detail(r).code === 'FORBIDDEN', 'viewer refused');
    find((r) => r.actor === 'operator' && r.action === 'queue.pause' && detail(r).code === 'CSRF_FAILED', 'CSRF failure');
    const bad = find((r) => r.actor === 'operator' && r.action === 'queue.clean' && detail(r).status === 400, 'validation failure');
    expect(bad.params).toMatchObject({ body: { state: 'nonsense', olderThanMs: -1 } });
    const notFound = find((r) => r.actor === 'operator' && r.action === 'queue.pause' && detail(r).status === 404, '404 on a mutation');
    expect(notFound.target).toContain('no-such-queue');
    find((r) => r.actor === 'operator' && r.action === 'unreadable-body' && detail(r).code === 'INVALID_JSON', 'unreadable body');
    const unknown = find((r) => r.actor === 'operator' && r.action === 'unknown-route' && detail(r).status === 404, 'write to no route');
    expect(unknown.params).toMatchObject({ body: { how: 'loudly' } });
    find((r) => r.actor === 'viewer' && r.action === 'auth.sign-in' && r.outcome === 'rejected' && detail(r).status === 401, 'failed sign-in');
    find((r) => r.actor === 'viewer' && r.action === 'auth.sign-in' && r.outcome === 'succeeded', 'sign-in');
    find((r) => r.actor === 'viewer' && r.action === 'auth.sign-out' && r.outcome === 'succeeded', 'sign-out');
    const add = find((r) => r.actor === 'admin' && r.action === 'board.post' && r.outcome === 'succeeded', 'board add job');
    expect(add.params).toMatchObject({ body: { name: 'manual', data: { order: 4711, password: '[masked]' } } });
  });

  it('every state-changing route of the table, present and future, audits a refused call', async () => {
    const before = await lastAuditId();
    const routes: readonly Route[] = h.app.routes;
    const writes = routes.filter((r) => r.method !== 'get');
    for (const route of writes) {
      // A viewer without the CSRF token: refused by role, CSRF or validation, whichever comes first.
      const res = await request(h.app).post(`/api/v1${route.path.replace(/:\w+/g, 'x')}`).set('Cookie', h.as.viewer.cookie).send({});
      expect([400, 403], route.path).toContain(res.status);
    }
    const unaudited = async () => {
      const rows = await auditRowsSince(before);
      return writes.filter((route) => !rows.some((r) => r.action === (route.audit?.action ?? `post ${route.path}`) && r.outcome === 'rejected' && r.actor === 'viewer')).map((r) => r.path);
    };
    // Each row is written right after its refusal has been answered.
    await waitFor(async () => (await unaudited()).length === 0, 10_000, 'a refusal row for every route').catch(() => undefined);
    expect(await unaudited()).toEqual([]);
  });
});

describe('5. audit log append-only for the app role', () => {
  it("the app's role may insert and read the audit log, and nothing else on it, on the PostgreSQL server", async () => {
    const role = `bullpen_app_test_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: h.database.url });
    await admin.connect();
    await admin.query(`CREATE ROLE ${role} LOGIN IN ROLE bullpen_app`);
    const url = new URL(h.database.url);
    url.username = role;
    const app = new pg.Client({ connectionString: url.toString() });
    try {
      await app.connect();
      const insert = await app.query(`INSERT INTO audit_log (attempt_id, instance_id, actor, role, action, target, params, outcome) VALUES ('a', 'i', 'x', 'admin', 'probe', 't', '{}', 'succeeded') RETURNING id`);
      expect(insert.rowCount).toBe(1);
      expect((await app.query('SELECT count(*)::int AS n FROM audit_log')).rows[0].n).toBeGreaterThan(0);
      // What the app needs elsewhere still works.
      await app.query(`UPDATE dead_letters SET status = status WHERE false`);
      const refused: Record<string, string> = {};
      for (const statement of [
        'UPDATE audit_log SET actor = $$me$$',
        'DELETE FROM audit_log',
        'TRUNCATE audit_log',
        'ALTER TABLE audit_log DISABLE TRIGGER ALL',
        'ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only',
        'DROP TRIGGER audit_log_append_only ON audit_log',
        'SET session_replication_role = replica',
      ]) {
        await app.query(statement).then(
          () => undefined,
          (err: { code?: string }) => {
            refused[statement] = err.code ?? '?';
          },
        );
      }
      // 42501 insufficient_privilege; "must be owner" is 42501 too.
      expect(Object.keys(refused).length, JSON.stringify(refused)).toBe(7);
      expect(new Set(Object.values(refused))).toEqual(new Set(['42501']));
    } finally {
      await app.end();
      await admin.query(`DROP ROLE ${role}`);
      await admin.end();
    }
  });
  it('an instance migrates as the owner (MIGRATION_DATABASE_URL) and then runs and audits as a member of bullpen_app', async () => {
    const name = `bullpen_test_role_${randomBytes(5).toString('hex')}`;
    const role = `bullpen_web_${randomBytes(4).toString('hex')}`;
    const server = new pg.Client({ connectionString: testServerUrl });
    await server.connect();
    await server.query(`CREATE DATABASE ${name}`);
    const owner = new URL(testServerUrl);
    owner.pathname = `/${name}`;
    const prefix = `bpapi-role-${randomBytes(4).toString('hex')}`;
    let instance: Instance | undefined;
    const warnings: string[] = [];
    try {
      // bullpen_app is cluster-wide and exists already (the harness's database migrated); the new
      // database's own migration, run by the instance as the owner, grants it the tables.
      await server.query(`CREATE ROLE ${role} LOGIN IN ROLE bullpen_app`);
      const appUrl = new URL(owner);
      appUrl.username = role;
      const config = loadConfig({
        DATABASE_URL: appUrl.toString(),
        MIGRATION_DATABASE_URL: owner.toString(),
        QUEUE_PREFIX: prefix,
        REDIS_URL: h.redisUrl,
        ROLES: 'http,worker',
        PORT: '0',
        HOST: '127.0.0.1',
        ADMIN_PASSWORD: PASSWORDS.admin,
        INSTANCE_ID: 'as-app-role',
        LOG_LEVEL: 'warn',
      });
      const logger = pino({ level: 'warn' }, new Writable({ write: (chunk: Buffer, _e, done) => (warnings.push(chunk.toString()), done()) }));
      instance = await startInstance(config, logger);
      const who = await rowsOf<{ user: string }>(instance.database.db, sql`SELECT current_user AS user`);
      expect(who[0]!.user).toBe(role);
      const base = instance.url!;
      const signIn = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORDS.admin }) });
      expect(signIn.status).toBe(200);
      const { csrfToken } = (await signIn.json()) as { csrfToken: string };
      const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
      const queue = instance.runtime.queueNames[0]!;
      const pause = await fetch(`${base}/api/v1/queues/${queue}/pause`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' }, body: '{}' });
      expect(pause.status).toBe(200);
      const rows = await rowsOf<{ action: string; outcome: string }>(instance.database.db, sql`SELECT action, outcome FROM audit_log ORDER BY id`);
      expect(rows.map((r) => `${r.action}:${r.outcome}`)).toEqual(['auth.sign-in:succeeded', 'queue.pause:started', 'queue.pause:succeeded']);
      await expect(instance.database.db.execute(sql`DELETE FROM audit_log`)).rejects.toThrow();
      expect(warnings.join('')).not.toContain('owner of audit_log');
    } finally {
      await instance?.stop();
      await server.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await server.query(`DROP ROLE IF EXISTS ${role}`);
      await server.end();
      const redis = createRedis(h.redisUrl, 'worker');
      await deleteKeysUnder(redis, prefix).finally(() => redis.disconnect());
    }
  }, 60_000);
});

describe('6. dead-letter filter guard', () => {
  it('a bulk action by filter must narrow it (status does not), and a dry run reports the count without touching anything', async () => {
    const queue = h.runtime.queue('ops-fail')!;
    const jobs = await Promise.all([1, 2, 3].map((n) => queue.add('fail', { n })));
    await waitFor(async () => (await h.runtime.deadLetters.list({ queue: 'ops-fail', status: 'dead' })).total >= jobs.length, 15_000, 'three dead letters');
    const deadBefore = (await h.runtime.deadLetters.list({ status: 'dead' })).total;
    for (const filter of [{ status: 'dead' }, {}]) {
      for (const action of ['discard', 'replay']) {
        const res = await asOperator(request(h.app).post(`/api/v1/dead-letters/${action}`)).send({ filter });
        expect(res.status, `${action} ${JSON.stringify(filter)}`).toBe(400);
      }
    }
    expect((await h.runtime.deadLetters.list({ status: 'dead' })).total).toBe(deadBefore);
    const dry = await asOperator(request(h.app).post('/api/v1/dead-letters/discard')).send({ filter: { queue: 'ops-fail', status: 'dead' }, dryRun: true });
    expect(dry.status).toBe(200);
    const matching = (await h.runtime.deadLetters.list({ queue: 'ops-fail', status: 'dead' })).total;
    expect(dry.body).toEqual({ dryRun: true, matching, willTouch: matching });
    expect((await h.runtime.deadLetters.list({ status: 'dead' })).total).toBe(deadBefore);
    const real = await asOperator(request(h.app).post('/api/v1/dead-letters/discard')).send({ filter: { queue: 'ops-fail' } });
    expect(real.body.discarded.length).toBe(dry.body.willTouch);
  });
});

describe('7. NUL bytes give 400', () => {
  it('refuses NUL in every kind of string input with 400, never 500 or 503', async () => {
    const admin = h.as.admin;
    const gets = [
      '/api/v1/dead-letters?q=%00',
      '/api/v1/dead-letters/groups?q=%00',
      '/api/v1/dead-letters/export?q=%00',
      '/api/v1/dead-letters?queue=a%00b',
      '/api/v1/audit?actor=%00',
      '/api/v1/audit?action=x%00',
      '/api/v1/queues/%00',
      '/api/v1/queues/ops-ok/jobs?id=%00',
      '/api/v1/queues/ops-ok/jobs/a%00b',
      '/api/v1/jobs/%00',
    ];
    for (const path of gets) {
      const res = await request(h.app).get(path).set('Cookie', admin.cookie);
      expect(res.status, path).toBe(400);
      expect(res.body.error.code, path).toBe('VALIDATION_FAILED');
    }
    const posts: Array<[string, unknown]> = [
      ['/api/v1/queues/ops-ok/jobs/retry', { ids: ['a\u0000b'] }],
      ['/api/v1/queues/%00/pause', {}],
      ['/api/v1/dead-letters/discard', { filter: { q: '\u0000' } }],
      ['/api/v1/schedules/%00/pause', {}],
    ];
    for (const [path, body] of posts) {
      const res = await request(h.app).post(path).set('Cookie', admin.cookie).set('X-CSRF-Token', admin.csrfToken).send(body as object);
      expect(res.status, path).toBe(400);
    }
    expect((await login('\u0000admin', 'x', ip(70))).status).toBe(400);
  });

  it('every route of the table, present and future, refuses NUL in each path parameter and string query field', async () => {
    const admin = h.as.admin;
    const isString = (schema: unknown): boolean => {
      let def = (schema as { def?: { type?: string; innerType?: unknown } } | undefined)?.def;
      while (def && def.innerType) def = (def.innerType as { def?: { type?: string; innerType?: unknown } }).def;
      return def?.type === 'string';
    };
    const probes: Array<{ method: 'get' | 'post'; url: string }> = [];
    for (const route of h.app.routes) {
      if (route.stream) continue;
      const names = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
      for (const name of names) probes.push({ method: route.method, url: `/api/v1${route.path.replace(/:(\w+)/g, (_m: string, p: string) => (p === name ? '%00' : 'x'))}` });
      const shape = (route.query as { shape?: Record<string, unknown> } | undefined)?.shape ?? {};
      for (const [key, schema] of Object.entries(shape)) {
        if (isString(schema)) probes.push({ method: route.method, url: `/api/v1${route.path.replace(/:\w+/g, 'x')}?${key}=a%00b` });
      }
    }
    expect(probes.length).toBeGreaterThan(10);
    const wrong: string[] = [];
    for (const probe of probes) {
      const res = await request(h.app)[probe.method](probe.url).set('Cookie', admin.cookie).set('X-CSRF-Token', admin.csrfToken).send(probe.method === 'post' ? {} : undefined);
      if (res.status !== 400) wrong.push(`${probe.method.toUpperCase()} ${probe.url}: ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('8. Bull Board is no wider than the API', () => {
  const boardWrite = (method: 'put' | 'post' | 'patch', path: string, who: 'viewer' | 'operator' | 'admin') =>
    request(h.app)[method](`/board${path}`).set('Cookie', h.as[who].cookie).set('Sec-Fetch-Site', 'same-origin');

  it('board writes need a CSRF proof: our token or a same-origin header, never nothing', async () => {
    const queue = h.runtime.queue('ops-ok')!;
    const bare = await request(h.app).put('/board/api/queues/ops-ok/pause').set('Cookie', h.as.operator.cookie).send({});
    expect(bare.status).toBe(403);
    expect(bare.body.error.code).toBe('CSRF_FAILED');
    expect(await queue.isPaused()).toBe(false);
    const withToken = await request(h.app).put('/board/api/queues/ops-ok/pause').set('Cookie', h.as.operator.cookie).set('X-CSRF-Token', h.as.operator.csrfToken).send({});
    expect(withToken.status).toBe(200);
    const sameOrigin = await request(h.app).put('/board/api/queues/ops-ok/resume').set('Cookie', h.as.operator.cookie).set('Origin', 'http://board.test').set('Host', 'board.test').send({});
    expect(sameOrigin.status).toBe(200);
    expect(await queue.isPaused()).toBe(false);
  });

  it('input Bull Board would answer with a 500 is a 400: NUL in the URL, a clean of something that is not a job state', async () => {
    const nul = await request(h.app).get('/board/api/queues?status=%00').set('Cookie', h.as.operator.cookie);
    expect(nul.status).toBe(400);
    expect(nul.body.error.code).toBe('VALIDATION_FAILED');
    // `1` would name job 1's hash, a key of another type.
    await h.runtime.queue('ops-idle')!.add('keep', { n: 1 });
    const clean = await boardWrite('put', '/api/queues/ops-idle/clean/1', 'operator').send({});
    expect(clean.status).toBe(400);
    expect(clean.body.error.code).toBe('VALIDATION_FAILED');
    expect((await boardWrite('put', '/api/queues/ops-idle/clean/completed', 'operator').send({})).status).toBe(200);
  });

  it('destructive board actions are for admins only', async () => {
    const idle = h.runtime.queue('ops-idle')!;
    const job = await idle.add('keep', { n: 1 });
    await h.runtime.queue('ops-tick')!.upsertJobScheduler('probe-scheduler', { every: 3_600_000 });
    const destructive: Array<['put' | 'post' | 'patch', string, object]> = [
      ['put', '/api/queues/ops-idle/obliterate', {}],
      ['put', '/api/queues/ops-idle/empty', {}],
      ['patch', `/api/queues/ops-idle/${job.id}/update-data`, { jobData: { n: 2 } }],
      ['post', '/api/queues/ops-idle/add', { name: 'x', data: {}, options: {} }],
      ['put', '/api/queues/ops-idle/concurrency', { concurrency: 50 }],
      ['put', '/api/queues/ops-tick/job-schedulers/probe-scheduler/remove', {}],
    ];
    const waitingBefore = await idle.getWaitingCount();
    for (const [method, path, body] of destructive) {
      const res = await boardWrite(method, path, 'operator').send(body);
      expect(res.status, `${method} ${path} as operator`).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
    expect(await idle.getWaitingCount()).toBe(waitingBefore);
    expect((await idle.getJob(job.id!))!.data).toEqual({ n: 1 });
    expect(await idle.getGlobalConcurrency()).toBeNull();
    expect(await h.runtime.queue('ops-tick')!.getJobScheduler('probe-scheduler')).toBeTruthy();
    // Admins may.
    expect((await boardWrite('patch', `/api/queues/ops-idle/${job.id}/update-data`, 'admin').send({ jobData: { n: 2 } })).status).toBe(200);
    expect((await boardWrite('put', '/api/queues/ops-tick/job-schedulers/probe-scheduler/remove', 'admin').send({})).status).toBeLessThan(300);
    // Operators keep the everyday actions.
    expect((await boardWrite('put', '/api/queues/ops-ok/pause', 'operator').send({})).status).toBe(200);
    expect((await boardWrite('put', '/api/queues/ops-ok/resume', 'operator').send({})).status).toBe(200);
  });

  it('every row of the board policy table refuses the roles below it', async () => {
    const rank = { viewer: 0, operator: 1, admin: 2 } as const;
    const wrong: string[] = [];
    for (const policy of boardPolicies.filter((p) => p.path !== BOARD_PATH)) {
      const path = policy.path.replace(/:\w+/g, 'ops-idle');
      for (const who of ['viewer', 'operator'] as const) {
        if (policy.role === 'public' || rank[who] >= rank[policy.role]) continue;
        const res = await request(h.app)[policy.method](path).set('Cookie', h.as[who].cookie).set('Sec-Fetch-Site', 'same-origin').send({});
        if (res.status !== 403) wrong.push(`${policy.method} ${path} as ${who}: ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('viewers cannot read Redis statistics, and a page lists at most 100 jobs', async () => {
    expect((await request(h.app).get('/board/api/redis/stats').set('Cookie', h.as.viewer.cookie)).status).toBe(403);
    expect((await request(h.app).get('/board/api/redis/stats').set('Cookie', h.as.operator.cookie)).status).toBe(200);
    const idle = h.runtime.queue('ops-idle')!;
    await idle.addBulk(Array.from({ length: 130 }, (_, i) => ({ name: 'bulk', data: { i } })));
    const page = await request(h.app).get('/board/api/queues?activeQueue=ops-idle&status=waiting&page=1&jobsPerPage=100000').set('Cookie', h.as.viewer.cookie);
    expect(page.status).toBe(200);
    const jobs = page.body.queues.find((q: { name: string }) => q.name === 'ops-idle').jobs as unknown[];
    expect(jobs.length).toBe(100);
  });
});

describe('9. headers', () => {
  it('no-store on every API, board API, export and metrics answer; HSTS over TLS; no https: for styles', async () => {
    const admin = h.as.admin;
    for (const path of ['/api/v1/queues', '/api/v1/dead-letters/export', '/api/v1/nope', '/board/api/queues', '/metrics', '/api/v1/auth/me']) {
      const res = await request(h.app).get(path).set('Cookie', admin.cookie);
      expect(res.headers['cache-control'], path).toBe('no-store');
    }
    const failed = await request(h.app).post('/api/v1/queues/ops-ok/pause').set('Cookie', admin.cookie).send({});
    expect(failed.headers['cache-control']).toBe('no-store');
    expect((await request(h.app).get('/healthz')).headers['strict-transport-security']).toBeUndefined();
    const overTls = await request(h.app).get('/healthz').set('X-Forwarded-Proto', 'https');
    expect(overTls.headers['strict-transport-security']).toMatch(/max-age=\d{7,}/);
    const csp = overTls.headers['content-security-policy'] as string;
    const styleSrc = csp.split(';').find((d) => d.trim().startsWith('style-src'))!;
    expect(styleSrc).not.toContain('https:');
    expect(csp).not.toMatch(/https:(?!\/\/)/);
  });
});

describe('10. failed sign-ins log no user name as typed', () => {
  it('logs a redacted form of an unknown name, never the name (which may be a password typed in the wrong field)', async () => {
    const typed = 'Tr0ub4dor&3-typed-as-name';
    const before = logLines.length;
    expect((await login(typed, 'whatever', ip(90))).status).toBe(401);
    const lines = logLines.slice(before);
    expect(lines.some((l) => l.includes('failed sign-in'))).toBe(true);
    expect(lines.join('\n')).not.toContain(typed);
    expect(lines.join('\n')).not.toContain(typed.slice(0, 6));
    // The audit log does not hold it either.
    const rows = await h.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'auth.sign-in'), eq(auditLog.ip, ip(90))));
    expect(rows.length).toBe(1);
    expect(JSON.stringify(rows[0])).not.toContain(typed.slice(0, 6));
  });
});

/** The first `queues` event of the live stream, read from a real socket. */
async function readFirstEvent(harness: Harness): Promise<string> {
  const server = harness.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const controller = new AbortController();
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/events`, { headers: { cookie: harness.as.viewer.cookie }, signal: controller.signal });
    const reader = res.body!.getReader();
    let text = '';
    const deadline = Date.now() + 10_000;
    while (!text.includes('event: queues') || !text.endsWith('\n\n')) {
      if (Date.now() > deadline) throw new Error('no queues event within 10 s');
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    return text;
  } finally {
    controller.abort();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
