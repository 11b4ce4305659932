// Real responses match the declared response schemas: every route of the table is called against the
// real app (Redis + PostgreSQL) with data in every state, and each success body is parsed with the
// route's own `response` schema. A route without a sample here fails the test, so new routes are covered.
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import request, { type Test } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { alertDeliveries, alertIncidents, alertNotifications } from '@bullpen/db';
import type { Route } from './http/route-table.js';
import { startHarness, waitFor, type Credentials, type Harness } from './test-harness.js';
import { testDefinitions } from './test-jobs.js';

let h: Harness;
const ids: { completed: string; failed: string; delayed: string; waiting: string; deadLetter: number; deadLetterToDiscard: number; rule: number; channel: number; incident: number } = {} as never;

type Role = 'viewer' | 'operator' | 'admin';
const get = (path: string, role: Role = 'admin') => request(h.app).get(`/api/v1${path}`).set('Cookie', h.as[role].cookie);
const post = (path: string, body: object = {}, role: Role = 'admin') =>
  request(h.app).post(`/api/v1${path}`).set('Cookie', h.as[role].cookie).set('X-CSRF-Token', h.as[role].csrfToken).send(body);

beforeAll(async () => {
  h = await startHarness({ definitions: testDefinitions, roles: { worker: true, scheduler: true } });
  await h.runtime.queue('ops-idle')!.pause();
  const completed = await h.runtime.enqueue('ops-ok', { n: 1, password: 'hunter2' });
  const failed = await Promise.all([1, 2, 3].map((n) => h.runtime.enqueue('ops-fail', { n })));
  ids.completed = completed.id!;
  ids.failed = failed[0]!.id!;
  ids.waiting = (await h.runtime.enqueue('ops-idle', { n: 2 })).id!;
  ids.delayed = (await h.runtime.enqueue('ops-idle', { n: 3 }, { delay: 3_600_000 })).id!;
  await waitFor(async () => (await completed.isCompleted()) || undefined, 15_000, 'the ok job');
  const letters = await waitFor(async () => {
    const page = await h.runtime.deadLetters.list({ queue: 'ops-fail', status: 'dead' }, 1, 10);
    // The count and the rows are read concurrently: wait for the rows themselves.
    return page.items.length >= 3 ? page.items : undefined;
  }, 15_000, 'dead letters');
  ids.deadLetter = letters[0]!.id;
  ids.deadLetterToDiscard = letters[1]!.id;
  // Audit rows and a replayed letter, so their shapes are in the answers too.
  expect((await post('/dead-letters/replay', { ids: [letters[2]!.id] })).status).toBe(200);
  // An alert rule, a channel and an incident with a delivered notification, for the alert routes.
  ids.channel = (await post('/alerts/channels', { name: 'contract hook', kind: 'webhook', secrets: { url: 'https://hooks.example.com/x', signingSecret: 'contract-secret-0123456789' } })).body.channel.id;
  ids.rule = (await post('/alerts/rules', { name: 'contract rule', kind: 'dead-letter', channelIds: [1, ids.channel] })).body.rule.id;
  const [incident] = await h.database.db.insert(alertIncidents).values({ ruleId: ids.rule, scope: 'ops-fail', lastEventAt: new Date(), lastNotifiedAt: new Date(), detail: { link: 'http://x/' } }).returning();
  ids.incident = incident!.id;
  const [notification] = await h.database.db
    .insert(alertNotifications)
    .values({ incidentId: incident!.id, ruleId: ids.rule, ruleName: 'contract rule', ruleKind: 'dead-letter', scope: 'ops-fail', kind: 'firing', seq: 0, title: 't', summary: 's', link: 'http://x/', count: 1 })
    .returning();
  await h.database.db.insert(alertDeliveries).values({ notificationId: notification!.id, channelId: 1, channelName: 'Console', channelKind: 'in-app', status: 'sent', attempts: 1, sentAt: new Date() });
});
afterAll(async () => {
  await h?.close();
});

/** The requests that exercise each route; every route of the table must have at least one. */
function samples(signedOut: Credentials): Record<string, Array<() => Test>> {
  const states = ['waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed', 'waiting-children'];
  return {
    'post /auth/login': [() => request(h.app).post('/api/v1/auth/login').send({ username: 'viewer', password: 'viewer-password-1' })],
    'get /auth/me': [() => get('/auth/me'), () => get('/auth/me', 'viewer')],
    'get /queues': [() => get('/queues')],
    'get /queues/:queue': [() => get('/queues/ops-fail'), () => get('/queues/ops-tick'), () => get('/queues/ops-idle')],
    'get /queues/:queue/jobs': [
      ...states.map((state) => () => get(`/queues/ops-idle/jobs?state=${state}`)),
      () => get('/queues/ops-fail/jobs?state=failed'),
      () => get('/queues/ops-ok/jobs?state=completed'),
      () => get(`/queues/ops-ok/jobs?state=completed&id=${ids.completed}`),
    ],
    'get /queues/:queue/jobs/:id': [
      () => get(`/queues/ops-ok/jobs/${ids.completed}`),
      () => get(`/queues/ops-fail/jobs/${ids.failed}`),
      () => get(`/queues/ops-idle/jobs/${ids.waiting}`),
      () => get(`/queues/ops-idle/jobs/${ids.delayed}`),
    ],
    'get /queues/:queue/durations': [() => get('/queues/ops-ok/durations'), () => get('/queues/ops-fail/durations?limit=2')],
    'get /queues/:queue/drain-preview': [() => get('/queues/ops-idle/drain-preview?delayed=true')],
    'get /queues/:queue/clean-preview': [() => get('/queues/ops-ok/clean-preview?state=completed&olderThanMs=0'), () => get('/queues/ops-idle/clean-preview?state=delayed&olderThanMs=1000')],
    'get /jobs/:id': [() => get(`/jobs/${ids.failed}`)],
    'get /schedules': [() => get('/schedules')],
    'get /dead-letters': [() => get('/dead-letters'), () => get('/dead-letters?status=replayed'), () => get('/dead-letters?queue=ops-fail&q=upstream')],
    'get /dead-letters/count': [() => get('/dead-letters/count?queue=ops-fail')],
    'get /dead-letters/groups': [() => get('/dead-letters/groups')],
    'get /dead-letters/export': [() => get('/dead-letters/export?queue=ops-fail')],
    'get /dead-letters/:id': [() => get(`/dead-letters/${ids.deadLetter}`)],
    'get /workers': [() => get('/workers'), () => get('/workers?queue=ops-ok')],
    'get /instances': [() => get('/instances')],
    'get /audit': [() => get('/audit'), () => get('/audit?target=dead-letters:')],
    'get /openapi.json': [() => get('/openapi.json')],
    'get /users': [() => get('/users')],
    'get /alerts/rules': [() => get('/alerts/rules')],
    'get /alerts/rules/:id': [() => get(`/alerts/rules/${ids.rule}`)],
    'get /alerts/channels': [() => get('/alerts/channels')],
    'get /alerts/history': [() => get('/alerts/history'), () => get(`/alerts/history?ruleId=${ids.rule}&status=sent&kind=firing`)],
    // Mutations, in an order that leaves each one something to act on.
    'post /queues/:queue/pause': [() => post('/queues/ops-ok/pause')],
    'post /queues/:queue/resume': [() => post('/queues/ops-ok/resume')],
    'post /queues/:queue/jobs/promote': [() => post('/queues/ops-idle/jobs/promote', { ids: [ids.delayed, 'no-such-job'] })],
    'post /queues/:queue/jobs/retry': [() => post('/queues/ops-fail/jobs/retry', { ids: [ids.failed, ids.completed] })],
    'post /queues/:queue/retry-failed': [() => post('/queues/ops-fail/retry-failed')],
    'post /queues/:queue/jobs/remove': [() => post('/queues/ops-ok/jobs/remove', { ids: [ids.completed] })],
    'post /queues/:queue/drain': [() => post('/queues/ops-idle/drain', { delayed: true })],
    'post /queues/:queue/clean': [() => post('/queues/ops-ok/clean', { state: 'completed', olderThanMs: 0 })],
    'post /queues/:queue/breaker/reset': [() => post('/queues/ops-ok/breaker/reset')],
    'post /schedules/:id/trigger': [() => post('/schedules/ops-tick/trigger')],
    'post /schedules/:id/pause': [() => post('/schedules/ops-tick/pause')],
    'post /schedules/:id/resume': [() => post('/schedules/ops-tick/resume')],
    'post /dead-letters/replay': [() => post('/dead-letters/replay', { ids: [ids.deadLetter] })],
    'post /dead-letters/discard': [() => post('/dead-letters/discard', { ids: [ids.deadLetterToDiscard] })],
    'post /alerts/channels': [() => post('/alerts/channels', { name: 'contract mail', kind: 'email', config: { host: 'smtp.example.com', from: 'a@example.com', to: ['b@example.com'] } })],
    'post /alerts/channels/:id': [() => post(`/alerts/channels/${ids.channel}`, { name: 'contract hook renamed' })],
    'post /alerts/channels/:id/test': [() => post('/alerts/channels/1/test')],
    'post /alerts/rules': [() => post('/alerts/rules', { name: 'contract rate', kind: 'failure-rate', params: { thresholdPercent: 10 } })],
    'post /alerts/rules/preview': [() => post('/alerts/rules/preview', { name: 'p', kind: 'dead-letter' }, 'viewer'), () => post('/alerts/rules/preview', { name: 'p', kind: 'backlog', params: { threshold: 1 } })],
    'post /alerts/rules/:id': [() => post(`/alerts/rules/${ids.rule}`, { name: 'contract rule', kind: 'dead-letter', cooldownMs: 60_000 })],
    'post /alerts/rules/:id/silence': [() => post(`/alerts/rules/${ids.rule}/silence`, { minutes: 30 }, 'operator')],
    'post /alerts/rules/:id/unsilence': [() => post(`/alerts/rules/${ids.rule}/unsilence`, {}, 'operator')],
    'post /alerts/incidents/:id/acknowledge': [() => post(`/alerts/incidents/${ids.incident}/acknowledge`, {}, 'operator')],
    'post /alerts/channels/:id/delete': [() => post(`/alerts/channels/${ids.channel}/delete`)],
    'post /alerts/rules/:id/delete': [() => post(`/alerts/rules/${ids.rule}/delete`)],
    'post /users': [() => post('/users', { username: 'contract-user', password: 'a long enough passphrase', role: 'viewer' })],
    'post /users/:username/role': [() => post('/users/contract-user/role', { role: 'operator' })],
    'post /users/:username/password': [() => post('/users/contract-user/password', { password: 'another long passphrase' })],
    'post /users/:username/disable': [() => post('/users/contract-user/disable')],
    'post /users/:username/enable': [() => post('/users/contract-user/enable')],
    'post /auth/logout': [() => request(h.app).post('/api/v1/auth/logout').set('Cookie', signedOut.cookie).set('X-CSRF-Token', signedOut.csrfToken).send({})],
  };
}

function mismatch(route: Route, body: unknown): string | undefined {
  const parsed = (route.response as z.ZodType).safeParse(body);
  if (parsed.success) return undefined;
  return parsed.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.')}: ${i.message}`)
    .join('; ');
}

describe('responses match their declared schemas', () => {
  it('every route of the table, called for real, answers a body its response schema accepts', async () => {
    const table = samples(await h.login('viewer', 'viewer-password-1'));
    const routes = (h.app.routes as readonly Route[]).filter((r) => !r.stream);
    const missing = routes.map((r) => `${r.method} ${r.path}`).filter((key) => !table[key]);
    expect(missing, 'routes with no sample request in contract.int.test.ts').toEqual([]);
    const failures: string[] = [];
    let calls = 0;
    // GETs first (on the data as the setup left it), then the mutations in the table's order.
    const ordered = [...routes.filter((r) => r.method === 'get'), ...Object.keys(table).flatMap((key) => routes.filter((r) => r.method === 'post' && `${r.method} ${r.path}` === key))];
    for (const route of ordered) {
      for (const [index, call] of table[`${route.method} ${route.path}`]!.entries()) {
        const res = await call();
        calls++;
        const where = `${route.method.toUpperCase()} ${route.path} (sample ${index + 1})`;
        if (res.status !== (route.successStatus ?? 200)) failures.push(`${where}: status ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
        else {
          const problem = mismatch(route, res.body);
          if (problem) failures.push(`${where}: ${problem}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(routes.length);
  });

  it('each event of the stream matches the declared event schema', async () => {
    const route = (h.app.routes as readonly Route[]).find((r) => r.stream)!;
    const server = h.app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const controller = new AbortController();
    const deadline = setTimeout(() => controller.abort(), 10_000);
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1${route.path}`, { headers: { cookie: h.as.viewer.cookie }, signal: controller.signal });
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const name = /^event: (.+)$/m.exec(frame)?.[1];
          const data = /^data: (.+)$/m.exec(frame)?.[1];
          if (!name || !data) continue;
          expect(mismatch(route, { [name]: JSON.parse(data) })).toBeUndefined();
          if (name === 'queues') break;
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += decoder.decode(value);
      }
    } finally {
      clearTimeout(deadline);
      controller.abort();
      server.closeAllConnections();
      server.close();
    }
  });
});
