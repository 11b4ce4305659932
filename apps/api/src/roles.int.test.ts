// The route × role matrix (anonymous, viewer, operator, admin) read from the one policy table, Bull
// Board included, and proof that every Express route the app registers has a policy.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allows, ROLES, type Access } from './auth/roles.js';
import type { Route } from './http/route-table.js';
import { BOARD_PATH } from './policy.js';
import { PASSWORDS, startHarness, type Credentials, type Harness } from './test-harness.js';
import { testDefinitions } from './test-jobs.js';

let h: Harness;
type Who = 'anonymous' | (typeof ROLES)[number];
const WHO: Who[] = ['anonymous', ...ROLES];
const SAMPLE: Record<string, string> = { queue: 'ops-idle', id: 'ops-tick' };

beforeAll(async () => {
  h = await startHarness({ definitions: testDefinitions });
  await h.runtime.queue('ops-idle')!.pause();
});
afterAll(async () => {
  await h?.close();
});

function expected(who: Who, role: Access): 'allowed' | 401 | 403 {
  if (role === 'public') return 'allowed';
  if (who === 'anonymous') return 401;
  return allows(who, role) ? 'allowed' : 403;
}

async function call(route: Route, creds: Credentials | undefined): Promise<number> {
  const path = `/api/v1${route.path}`.replace(/:(\w+)/g, (_m, name: string) => SAMPLE[name] ?? 'x');
  if (route.stream) {
    // A stream never ends: read the status line and hang up.
    const server = h.app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const controller = new AbortController();
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`, { headers: creds ? { Cookie: creds.cookie } : {}, signal: controller.signal });
      return res.status;
    } finally {
      controller.abort();
      server.closeAllConnections();
      server.close();
    }
  }
  let req = route.method === 'get' ? request(h.app).get(path) : request(h.app).post(path).send({});
  if (creds) req = req.set('Cookie', creds.cookie).set('X-CSRF-Token', creds.csrfToken);
  return (await req).status;
}

describe('route × role matrix', () => {
  it('every API route answers each role exactly as its policy says', async () => {
    const routes = [...h.app.routes].sort((a, b) => Number(a.path === '/auth/logout') - Number(b.path === '/auth/logout'));
    const mismatches: string[] = [];
    let checked = 0;
    for (const route of routes) {
      for (const who of WHO) {
        // Logging out ends the session it uses, so it gets a session of its own.
        const creds = who === 'anonymous' ? undefined : route.path === '/auth/logout' ? await h.login(who, PASSWORDS[who]) : h.as[who];
        const status = await call(route, creds);
        const want = expected(who, route.role);
        const ok = want === 'allowed' ? status !== 401 && status !== 403 && status < 500 : status === want;
        if (!ok) mismatches.push(`${route.method.toUpperCase()} ${route.path} as ${who}: got ${status}, want ${want}`);
        checked += 1;
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBe(h.app.routes.length * 4);
  });

  it('every route Express knows has a policy, and every state change is CSRF-protected', () => {
    const router = (h.app as unknown as { router: { stack: Array<{ route?: { path: string | RegExp; methods: Record<string, boolean> } }> } }).router;
    const registered = router.stack.filter((l) => l.route).flatMap((l) => Object.keys(l.route!.methods).map((m) => ({ method: m, path: String(l.route!.path) })));
    expect(registered.length).toBeGreaterThanOrEqual(h.app.routes.length + 3);
    const missing = registered.filter((r) => !h.app.policies.some((p) => p.method === r.method && p.path === r.path));
    expect(missing).toEqual([]);
    const unprotected = h.app.policies.filter((p) => p.method !== 'get' && p.csrf === 'none');
    expect(unprotected).toEqual([]);
  });

  it('metrics, health and readiness follow the table too', async () => {
    const metrics = h.app.policies.find((p) => p.path === '/metrics')!;
    for (const who of WHO) {
      const req = request(h.app).get('/metrics');
      const status = (who === 'anonymous' ? await req : await req.set('Cookie', h.as[who].cookie)).status;
      const want = expected(who, metrics.role);
      expect(status, `/metrics as ${who}`).toBe(want === 'allowed' ? 200 : want);
      expect((await request(h.app).get('/healthz')).status).toBe(200);
    }
  });
});

describe('Bull Board × roles', () => {
  const boardGet = (who: Who, path: string) => {
    const req = request(h.app).get(`${BOARD_PATH}${path}`);
    return who === 'anonymous' ? req : req.set('Cookie', h.as[who].cookie);
  };
  const boardPut = (who: Who, path: string) => {
    const req = request(h.app).put(`${BOARD_PATH}${path}`).set('Sec-Fetch-Site', 'same-origin').send({});
    return who === 'anonymous' ? req : req.set('Cookie', h.as[who].cookie);
  };

  it('sends anonymous visitors to sign in and refuses them the board API', async () => {
    const page = await boardGet('anonymous', '/');
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/login?next=%2Fboard%2F');
    expect((await boardGet('anonymous', '/api/queues')).status).toBe(401);
    expect((await boardPut('anonymous', '/api/queues/ops-ok/pause')).status).toBe(401);
  });

  it('gives viewers a read-only board whose writes are refused, and operators/admins a writable one', async () => {
    for (const who of ROLES) {
      const page = await boardGet(who, '/');
      expect(page.status, `board page as ${who}`).toBe(200);
      expect(page.text).toContain('<div id="root">');
      const list = await boardGet(who, '/api/queues');
      expect(list.status).toBe(200);
      const readOnly = (list.body.queues as Array<{ readOnlyMode: boolean }>).map((q) => q.readOnlyMode);
      expect(new Set(readOnly), `readOnlyMode as ${who}`).toEqual(new Set([who === 'viewer']));
    }
    const queue = h.runtime.queue('ops-ok')!;
    const refused = await boardPut('viewer', '/api/queues/ops-ok/pause');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
    expect(await queue.isPaused()).toBe(false);
    for (const who of ['operator', 'admin'] as const) {
      expect((await boardPut(who, '/api/queues/ops-ok/pause')).status, `board pause as ${who}`).toBe(200);
      expect(await queue.isPaused()).toBe(true);
      expect((await boardPut(who, '/api/queues/ops-ok/resume')).status).toBe(200);
      expect(await queue.isPaused()).toBe(false);
    }
  });
});
