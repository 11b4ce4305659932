// Redis goes away mid-test (a private redis-server, stopped and restarted): API routes answer 503
// REDIS_UNAVAILABLE quickly, never 500 and never a hang; sessions (PostgreSQL) still work; readiness
// says so; and everything recovers when Redis returns.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, startRedisServer, type Harness, type RedisServer } from './test-harness.js';
import { testDefinitions } from './test-jobs.js';

let redisServer: RedisServer;
let h: Harness;

beforeAll(async () => {
  redisServer = await startRedisServer();
  h = await startHarness({ definitions: testDefinitions, redisUrl: redisServer.url });
});
afterAll(async () => {
  // Cleanup needs Redis back, whatever happened in the test.
  if (redisServer && !redisServer.running) await redisServer.start();
  await h?.close();
  await redisServer?.stop();
});

describe('Redis outage', () => {
  it('answers 503 while Redis is down and recovers when it returns', async () => {
    const viewer = h.as.viewer;
    const operator = h.as.operator;
    const reads = ['/api/v1/queues', '/api/v1/queues/ops-idle', '/api/v1/queues/ops-idle/jobs?state=failed', '/api/v1/queues/ops-idle/jobs/1', '/api/v1/jobs/1', '/api/v1/schedules', '/api/v1/workers', '/api/v1/instances'];
    for (const path of reads) expect((await request(h.app).get(path).set('Cookie', viewer.cookie)).status, path).toBe(path.endsWith('/1') ? 404 : 200);

    const cached = ['/api/v1/workers', '/api/v1/instances'];
    const closed = new Promise<void>((resolve) => h.runtime.redis.once('close', () => resolve()));
    await redisServer.stop();
    await closed;

    for (const path of reads) {
      const started = Date.now();
      const res = await request(h.app).get(path).set('Cookie', viewer.cookie);
      // Worker and instance listings may answer from their few-second cache; never with a 500.
      if (cached.includes(path) && res.status === 200) continue;
      expect(res.status, path).toBe(503);
      expect(res.body.error.code, path).toBe('REDIS_UNAVAILABLE');
      expect(Date.now() - started, path).toBeLessThan(3_000);
    }
    const pause = await request(h.app).post('/api/v1/queues/ops-idle/pause').set('Cookie', operator.cookie).set('X-CSRF-Token', operator.csrfToken).send({});
    expect(pause.status).toBe(503);
    expect(pause.body.error.code).toBe('REDIS_UNAVAILABLE');
    const login = await request(h.app).post('/api/v1/auth/login').send({ username: 'viewer', password: 'whatever-it-is' });
    expect(login.status).toBe(503);
    // Sessions live in PostgreSQL: the signed-in user is still known, and told what is wrong.
    expect((await request(h.app).get('/api/v1/auth/me').set('Cookie', viewer.cookie)).status).toBe(200);
    expect((await request(h.app).get('/readyz')).body).toMatchObject({ status: 'not-ready', checks: { redis: false, postgres: true }, reasons: { redis: expect.stringMatching(/^Redis failed/) } });
    expect((await request(h.app).get('/healthz')).status).toBe(200);
    const metrics = await request(h.app).get('/metrics').set('Cookie', h.as.admin.cookie);
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('bullpen_redis_up 0');

    // Not events.once(): it rejects on the connection's 'error' events, which go on (ECONNREFUSED)
    // until the server is back, and that rejection would be unhandled while start() is awaited.
    const ready = new Promise<void>((resolve) => h.runtime.redis.once('ready', () => resolve()));
    await redisServer.start();
    await Promise.race([ready, new Promise((_r, reject) => setTimeout(() => reject(new Error('Redis connection did not come back within 15 s')), 15_000).unref())]);
    for (const path of reads) expect((await request(h.app).get(path).set('Cookie', viewer.cookie)).status, path).toBe(path.endsWith('/1') ? 404 : 200);
    expect((await request(h.app).get('/readyz')).status).toBe(200);
  });
});
