// 1,000 malformed requests per route family, signed in as an admin with a valid CSRF token so they
// reach validation and the handlers: wrong types, huge values, prototype-pollution keys, odd ids
// (../, :, unicode, percent signs). Zero 5xx, the process stays healthy, nothing is polluted, and
// Redis (a private server, so the whole keyspace is ours to inspect) holds no key outside the prefix.
import { createRedis } from '@bullpen/jobs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOARD_PATH } from './policy.js';
import { scanKeys, startHarness, startRedisServer, type Harness, type RedisServer } from './test-harness.js';
import { testDefinitions } from './test-jobs.js';

const PER_FAMILY = 1_000;
let redisServer: RedisServer;
let h: Harness;

/** Deterministic, so a failure can be replayed. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ODD_SEGMENTS = [
  '..', '..%2F..%2Fetc%2Fpasswd', '%2e%2e%2f', 'a:b:c', ':', '::', '*', '%2A', '?', '%3F', '%25', '%00', '%0d%0aSet-Cookie:x=1', '队列', '%F0%9F%92%A5', 'ünïcödé',
  '%E0%A4%A', '%', '__proto__', 'constructor', 'prototype', 'ops-idle', 'ops-tick', 'ops-ok', '1', '0', '-1', '1e308', 'NaN', 'x'.repeat(300), 'y'.repeat(5_000), '{ops-idle}', 'ops-idle:wait', 'bull:ops-idle', '%20',
];
const ODD_VALUES: unknown[] = [
  null, true, false, 0, -1, 1e308, -1e308, 2 ** 53, 1.5, '', ' ', 'x'.repeat(10_000), '../', 'a:b', '队列', '\u0000', [], [1, 2], [[[[]]]], {}, { a: 1 },
  { __proto__: { polluted: true } }, { constructor: { prototype: { polluted: true } } }, Array.from({ length: 200 }, (_, i) => `id-${i}`),
];
const KEYS = ['ids', 'filter', 'state', 'olderThanMs', 'limit', 'delayed', 'username', 'password', 'queue', 'q', 'from', 'to', 'page', 'pageSize', '__proto__', 'constructor', 'prototype', 'id', 'status'];

function oddBody(rand: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const kind = rand();
  if (kind < 0.1) return pick(['', 'null', '[]', '"str"', '12', '{', '{"a":', '\u0000', '{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}']);
  if (kind < 0.15) return JSON.stringify({ ids: Array.from({ length: 2_000 }, () => 'z'.repeat(60)) });
  const body: Record<string, unknown> = {};
  const n = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < n; i++) Object.defineProperty(body, pick(KEYS), { value: rand() < 0.5 ? pick(ODD_VALUES) : { [pick(KEYS)]: pick(ODD_VALUES) }, enumerable: true, configurable: true, writable: true });
  return JSON.stringify(body);
}

function oddQuery(rand: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const parts: string[] = [];
  const n = Math.floor(rand() * 5);
  for (let i = 0; i < n; i++) {
    const key = rand() < 0.2 ? `${pick(KEYS)}[${pick(KEYS)}]` : pick(KEYS);
    parts.push(`${encodeURIComponent(key)}=${rand() < 0.7 ? pick(ODD_SEGMENTS) : encodeURIComponent(String(pick(ODD_VALUES)))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

beforeAll(async () => {
  redisServer = await startRedisServer();
  h = await startHarness({ definitions: testDefinitions, redisUrl: redisServer.url });
  await h.runtime.queue('ops-idle')!.pause();
  await h.runtime.enqueue('ops-idle', { password: 'x' });
});
afterAll(async () => {
  await h?.close();
  await redisServer?.stop();
});

describe('fuzzing', () => {
  const families: Array<{ name: string; templates: Array<{ method: 'get' | 'post' | 'put' | 'delete'; path: string }> }> = [];

  beforeAll(() => {
    const byFamily = new Map<string, Array<{ method: 'get' | 'post'; path: string }>>();
    for (const route of h.app.routes) {
      // The stream never ends; logout takes no input and would end the session the fuzzer uses.
      if (route.stream || route.path === '/auth/logout') continue;
      const family = route.path.split('/')[1]!;
      const group = family === 'workers' || family === 'instances' || family === 'audit' || family === 'openapi.json' ? 'cluster' : family;
      byFamily.set(group, [...(byFamily.get(group) ?? []), { method: route.method, path: `/api/v1${route.path}` }]);
    }
    for (const [name, templates] of byFamily) families.push({ name, templates });
    families.push({
      name: 'board',
      templates: [
        { method: 'get', path: `${BOARD_PATH}/api/queues` },
        { method: 'get', path: `${BOARD_PATH}/api/queues/:queue/:id` },
        { method: 'put', path: `${BOARD_PATH}/api/queues/:queue/pause` },
        { method: 'put', path: `${BOARD_PATH}/api/queues/:queue/:id/retry` },
        { method: 'put', path: `${BOARD_PATH}/api/queues/:queue/clean/:id` },
        { method: 'delete', path: `${BOARD_PATH}/api/queues/:queue/:id` },
      ],
    });
  });

  // 9 000 requests (nine families × 1,000), and every refused write also writes its audit row:
  // minutes on a loaded two-core machine, seconds on an idle one.
  it(`sends ${PER_FAMILY} malformed requests to each route family: no 5xx, no pollution, no stray keys`, async () => {
    expect(families.map((f) => f.name).sort()).toEqual(['alerts', 'auth', 'board', 'cluster', 'dead-letters', 'jobs', 'queues', 'schedules', 'users']);
    const admin = h.as.admin;
    const fiveHundreds: string[] = [];
    const statuses = new Map<number, number>();
    for (const [index, family] of families.entries()) {
      const rand = prng(1_000 + index);
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
      for (let batch = 0; batch < PER_FAMILY; batch += 10) {
        await Promise.all(
          Array.from({ length: 10 }, async () => {
            const template = pick(family.templates);
            const path = template.path.replace(/:(\w+)/g, () => (rand() < 0.8 ? pick(ODD_SEGMENTS) : encodeURIComponent(pick(ODD_SEGMENTS))));
            const url = `${path}${oddQuery(rand)}`;
            const method = rand() < 0.85 ? template.method : pick(['get', 'post', 'put', 'delete'] as const);
            let req = request(h.app)[method](url).set('Cookie', admin.cookie).set('X-CSRF-Token', admin.csrfToken);
            if (method !== 'get') req = req.set('Content-Type', rand() < 0.9 ? 'application/json' : 'text/plain').send(oddBody(rand));
            const res = await req;
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            if (res.status >= 500) fiveHundreds.push(`${method.toUpperCase()} ${url.slice(0, 200)} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
          }),
        );
      }
    }
    expect(fiveHundreds).toEqual([]);
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    expect(total).toBe(PER_FAMILY * families.length);
    // Plenty of them got past validation to real answers (200/404), not only 400s.
    expect((statuses.get(404) ?? 0) + (statuses.get(200) ?? 0)).toBeGreaterThan(100);

    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    expect((await request(h.app).get('/healthz')).status).toBe(200);
    expect((await request(h.app).get('/api/v1/queues').set('Cookie', admin.cookie)).status).toBe(200);

    const redis = createRedis(redisServer.url, 'worker');
    try {
      const stray = (await scanKeys(redis, '*')).filter((key) => !key.startsWith(`${h.prefix}:`));
      expect(stray).toEqual([]);
    } finally {
      redis.disconnect();
    }
  }, 240_000);
});
