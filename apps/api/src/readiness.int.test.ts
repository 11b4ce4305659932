// Readiness tells the truth: a Redis that answers PING but refuses writes at its maxmemory (OOM), and a
// PostgreSQL that refuses connections, each make /readyz answer 503 naming the dependency and the reason;
// /metrics shows Redis memory against maxmemory, under Prometheus' standard process metric names.
import pg from 'pg';
import { testServerUrl } from '@bullpen/db/testing';
import { createRedis } from '@bullpen/jobs';
import type { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, startRedisServer, type Harness, type RedisServer } from './test-harness.js';
import { testDefinitions } from './test-jobs.js';

let redisServer: RedisServer;
let h: Harness;
let admin: Redis;

async function adminSql(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: testServerUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  redisServer = await startRedisServer();
  h = await startHarness({ definitions: testDefinitions, redisUrl: redisServer.url });
  admin = createRedis(redisServer.url, 'worker');
});
afterAll(async () => {
  await admin?.config('SET', 'maxmemory', '0').catch(() => undefined);
  admin?.disconnect();
  if (h) await adminSql(`ALTER DATABASE ${h.database.name} ALLOW_CONNECTIONS true`).catch(() => undefined);
  await h?.close();
  await redisServer?.stop();
});

const scrape = async () => {
  const res = await request(h.app).get('/metrics').set('Cookie', h.as.admin.cookie);
  expect(res.status).toBe(200);
  return res.text;
};
const gauge = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);

describe('/readyz', () => {
  it('is ready when Redis takes writes and PostgreSQL answers', async () => {
    const res = await request(h.app).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', checks: { redis: true, postgres: true }, reasons: {} });
  });

  it('answers 503 naming OOM when Redis is full, although Redis still answers PING', async () => {
    // Data grows (3 MB of job payloads) past a small maxmemory: with noeviction, Redis refuses writes.
    const filler = 'x'.repeat(100 * 1024);
    for (let i = 0; i < 30; i++) await admin.set(`${h.prefix}:filler:${i}`, filler);
    const used = Number(/^used_memory:(\d+)/m.exec(await admin.info('memory'))![1]);
    const max = used - 1024 * 1024;
    await admin.config('SET', 'maxmemory', String(max));
    await expect(admin.set(`${h.prefix}:tiny`, '1')).rejects.toThrow(/^OOM /);
    expect(await h.runtime.redis.ping()).toBe('PONG');

    const res = await request(h.app).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body.status).toBe('not-ready');
    expect(res.body.checks).toEqual({ redis: false, postgres: true });
    expect(res.body.reasons.redis).toMatch(/Redis refuses writes: it is at its maxmemory/);

    const metrics = await scrape();
    const usedBytes = gauge(metrics, 'bullpen_redis_used_memory_bytes');
    const maxBytes = gauge(metrics, 'bullpen_redis_maxmemory_bytes');
    expect(maxBytes).toBe(max);
    expect(usedBytes).toBeGreaterThan(maxBytes);

    await admin.config('SET', 'maxmemory', '0');
    expect((await request(h.app).get('/readyz')).status).toBe(200);
  });

  it('answers 503 naming PostgreSQL while the database refuses connections, and recovers', async () => {
    const name = h.database.name;
    // The database goes away for this instance: no new connections, and every open one is cut.
    await adminSql(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
    await adminSql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}' AND pid <> pg_backend_pid()`);
    const res = await request(h.app).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body.checks).toEqual({ redis: true, postgres: false });
    expect(res.body.reasons.postgres).toMatch(/^PostgreSQL (failed|did not answer)/);
    expect(res.body.reasons.redis).toBeUndefined();

    await adminSql(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
    const back = await request(h.app).get('/readyz');
    expect(back.status).toBe(200);
  });
});

describe('/metrics', () => {
  it("keeps Prometheus' standard names for process and Node.js metrics", async () => {
    const text = await scrape();
    expect(text).toMatch(/^process_cpu_seconds_total \d/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(text).not.toContain('bullpen_process_');
    expect(gauge(text, 'bullpen_redis_maxmemory_bytes')).toBe(0);
    expect(gauge(text, 'bullpen_redis_used_memory_bytes')).toBeGreaterThan(0);
  });
});
