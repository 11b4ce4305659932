// The alert API on a real runtime: who may do what, channel secrets that never come back (responses,
// audit rows, log lines), test-send to a real receiver, and an alert that goes from a failing job to
// the history (with its delivery status) and the live feed.
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { auditLog } from '@bullpen/db';
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, waitFor, type Harness } from './test-harness.js';
import { testDefinitions } from './test-jobs.js';

const CANARY = 'canary-7d1f0e-secret';
type Role = 'viewer' | 'operator' | 'admin';

describe('alert API', () => {
  let h: Harness;
  let receiver: http.Server;
  let receiverUrl = '';
  const received: Array<{ path: string; headers: http.IncomingHttpHeaders; body: string }> = [];
  const logLines: string[] = [];
  /** Every response body this file saw, to search for the canary. */
  const bodies: string[] = [];

  const get = async (path: string, role: Role = 'admin') => {
    const res = await request(h.app).get(`/api/v1${path}`).set('Cookie', h.as[role].cookie);
    bodies.push(res.text);
    return res;
  };
  const post = async (path: string, body: object = {}, role: Role = 'admin') => {
    const res = await request(h.app).post(`/api/v1${path}`).set('Cookie', h.as[role].cookie).set('X-CSRF-Token', h.as[role].csrfToken).send(body);
    bodies.push(res.text);
    return res;
  };

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ path: req.url ?? '', headers: req.headers, body });
        res.end('ok');
      });
    });
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    const logger = pino(
      { level: 'debug' },
      new Writable({
        write(chunk: Buffer, _e, callback) {
          logLines.push(chunk.toString());
          callback();
        },
      }),
    );
    h = await startHarness({
      definitions: testDefinitions,
      roles: { worker: true, scheduler: true },
      alertJobs: true,
      logger,
      // The receiver is on loopback: allowed here explicitly.
      env: { ALERTS_ALLOW_PRIVATE_NETWORKS: 'true', ALERTS_EVALUATE_EVERY_MS: '500', PUBLIC_URL: 'https://console.example.test' },
    });
  });
  afterAll(async () => {
    await h?.close();
    receiver?.closeAllConnections();
    receiver?.close();
  });

  let hookId = 0;

  it('lets admins edit channels and rules, operators silence and acknowledge, viewers read', async () => {
    const channel = { name: 'hook', kind: 'webhook', secrets: { url: `${receiverUrl}/hook?token=${CANARY}`, signingSecret: `${CANARY}-signing` } };
    expect((await post('/alerts/channels', channel, 'viewer')).status).toBe(403);
    expect((await post('/alerts/channels', channel, 'operator')).status).toBe(403);
    const created = await post('/alerts/channels', channel);
    expect(created.status).toBe(201);
    hookId = created.body.channel.id as number;
    expect(created.body.channel.secrets).toEqual({ url: `${receiverUrl}/…`, signingSecret: '••••••' });

    const rule = { name: 'ops-fail dead letters', kind: 'dead-letter', queues: ['ops-fail'], cooldownMs: 60_000, channelIds: [1, hookId] };
    expect((await post('/alerts/rules', rule, 'operator')).status).toBe(403);
    const ruleRes = await post('/alerts/rules', rule);
    expect(ruleRes.status).toBe(201);
    expect(ruleRes.body.rule).toMatchObject({ kind: 'dead-letter', params: {}, windowMs: 300_000, openIncidents: 0, silencedUntil: null });
    expect((await post('/alerts/rules', rule)).body.error.code).toBe('CONFLICT');
    expect((await post('/alerts/rules', { ...rule, name: 'x', channelIds: [999] })).status).toBe(400);
    expect((await post('/alerts/rules', { name: 'bad', kind: 'failure-rate', params: { thresholdPercent: 150 } })).body.error.code).toBe('VALIDATION_FAILED');

    const id = ruleRes.body.rule.id as number;
    expect((await post(`/alerts/rules/${id}/silence`, { minutes: 10 }, 'viewer')).status).toBe(403);
    const silenced = await post(`/alerts/rules/${id}/silence`, { minutes: 10 }, 'operator');
    expect(silenced.status).toBe(200);
    expect(Date.parse(silenced.body.rule.silencedUntil as string)).toBeGreaterThan(Date.now() + 9 * 60_000);
    expect((await post(`/alerts/rules/${id}/unsilence`, {}, 'operator')).body.rule.silencedUntil).toBeNull();
    expect((await post(`/alerts/rules/${id}`, { ...rule, cooldownMs: 30_000 }, 'operator')).status).toBe(403);

    for (const role of ['viewer', 'operator', 'admin'] as const) {
      expect((await get('/alerts/rules', role)).status).toBe(200);
      expect((await get('/alerts/channels', role)).status).toBe(200);
      expect((await get('/alerts/history', role)).status).toBe(200);
    }
  });

  it('refuses a channel URL that points at the metadata service or a private address it may not reach', async () => {
    const res = await post('/alerts/channels', { name: 'metadata', kind: 'webhook', secrets: { url: 'http://169.254.169.254/latest/meta-data/', signingSecret: 'x'.repeat(20) } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'OUTBOUND_URL_REJECTED', details: { field: 'secrets.url', reason: 'ADDRESS_NOT_ALLOWED' } });
    expect((await post('/alerts/channels', { name: 'creds', kind: 'slack', secrets: { webhookUrl: 'https://user:pw@hooks.example.com/x' } })).body.error.code).toBe('OUTBOUND_URL_REJECTED');
  });

  it('test-sends a signed message to the channel', async () => {
    const res = await post(`/alerts/channels/${hookId}/test`);
    expect(res.body).toEqual({ sent: true, error: null });
    const hit = received.at(-1)!;
    const timestamp = String(hit.headers['x-bullpen-timestamp']);
    expect(hit.headers['x-bullpen-signature']).toBe(`v1=${createHmac('sha256', `${CANARY}-signing`).update(`${timestamp}.${hit.body}`).digest('hex')}`);
    expect(JSON.parse(hit.body)).toMatchObject({ kind: 'test', link: 'https://console.example.test/alerts' });
    // Updating other fields keeps the stored secrets.
    expect((await post(`/alerts/channels/${hookId}`, { name: 'hook renamed' })).body.channel.secrets.signingSecret).toBe('••••••');
    expect((await post(`/alerts/channels/${hookId}/test`)).body.sent).toBe(true);
  });

  it('takes a failure to the history with each channel’s delivery status, and to the live feed', async () => {
    const server = h.app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const controller = new AbortController();
    const stream = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/events`, { headers: { cookie: h.as.viewer.cookie }, signal: controller.signal });
    const feed = (async () => {
      const reader = stream.body!.getReader();
      let text = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return undefined;
        text += new TextDecoder().decode(value);
        const frame = /event: alert\ndata: (.+)\n\n/.exec(text);
        if (frame) return JSON.parse(frame[1]!) as { kind: string; scope: string; link: string };
      }
    })();
    try {
      await h.runtime.enqueue('ops-fail', { n: 7 });
      const item = await waitFor(async () => {
        const res = await get('/alerts/history?status=sent');
        const first = (res.body.items as Array<{ deliveries: Array<{ status: string }> }>)[0];
        return first && first.deliveries.length === 2 && first.deliveries.every((d) => d.status === 'sent') ? first : undefined;
      }, 20_000, 'a delivered alert in the history');
      expect(item).toMatchObject({
        ruleKind: 'dead-letter',
        kind: 'firing',
        scope: 'ops-fail',
        link: expect.stringMatching(/^https:\/\/console\.example\.test\/dead-letters\?queue=ops-fail&group=/) as unknown,
        deliveries: [
          { channelId: 1, channelName: 'Console', channelKind: 'in-app', status: 'sent', attempts: 1, lastError: null },
          { channelId: hookId, channelKind: 'webhook', status: 'sent', attempts: 1, lastError: null },
        ],
      });
      const live = await Promise.race([feed, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 10_000))]);
      expect(live).toMatchObject({ kind: 'firing', scope: 'ops-fail' });
      expect((await get('/alerts/history?kind=resolved')).body.items).toEqual([]);

      const incidentId = (item as unknown as { incidentId: number }).incidentId;
      expect((await post(`/alerts/incidents/${incidentId}/acknowledge`, {}, 'viewer')).status).toBe(403);
      const ack = await post(`/alerts/incidents/${incidentId}/acknowledge`, {}, 'operator');
      expect(ack.body).toMatchObject({ id: incidentId, acknowledgedBy: 'operator' });
      expect((await get('/alerts/rules')).body.rules[0]).toMatchObject({ openIncidents: 1 });

      // The preview replays the recorded dead letter through the same grouping.
      const preview = await post('/alerts/rules/preview', { name: 'p', kind: 'dead-letter', queues: ['ops-fail'] }, 'viewer');
      expect(preview.body.supported).toBe(true);
      expect(preview.body.messages).toEqual([expect.objectContaining({ scope: 'ops-fail', kind: 'firing', count: 1 })]);
    } finally {
      controller.abort();
      server.closeAllConnections();
      server.close();
    }
  });

  it('never returns, audits or logs a channel secret', async () => {
    await get('/alerts/channels');
    await get(`/audit?action=alert-channel.create`);
    expect(bodies.length).toBeGreaterThan(20);
    expect(bodies.filter((b) => b.includes(CANARY))).toEqual([]);
    const audit = await h.database.db.select().from(auditLog);
    expect(audit.some((row) => row.action === 'alert-channel.create')).toBe(true);
    expect(audit.filter((row) => JSON.stringify(row).includes(CANARY))).toEqual([]);
    expect(logLines.length).toBeGreaterThan(10);
    expect(logLines.filter((line) => line.includes(CANARY))).toEqual([]);
    // The secrets did reach the receiver (the canary is real, not lost on the way).
    expect(received.some((r) => r.path.includes(CANARY))).toBe(true);
  });
});
