import { createHmac, timingSafeEqual } from 'node:crypto';
import { Writable } from 'node:stream';
import { alertDeliveries, alertIncidents, alertNotifications, alertRules } from '@bullpen/db';
import { createTestDatabase, type TestDatabase } from '@bullpen/db/testing';
import { asc, eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineJob } from '../definition.js';
import { QUEUE } from '../queue-names.js';
import { startSmtpReceiver, startWebhookReceiver, type SmtpReceiver, type WebhookReceiver } from '../../test/alert-receivers.js';
import { insertChannel, insertRule, PUBLIC_URL, startAlertInstance, type AlertInstance } from '../../test/alert-runtime.js';
import { deletePrefix, redisUrl, uniquePrefix, waitFor } from '../../test/support.js';
import { inAppChannelKey } from './alert-engine.js';
import type { AlertMessage } from './channels.js';

const CANARY_URL_TOKEN = 'canary-url-token-7f3a9c';
const CANARY_SIGNING = 'canary-signing-secret-51be02';
const CANARY_SMTP = 'canary-smtp-password-c0ffee';
const CANARIES = [CANARY_URL_TOKEN, CANARY_SIGNING, CANARY_SMTP];

const flaky = defineJob({
  queue: 'alerts-flaky',
  description: 'fails when told to',
  attempts: 1,
  timeoutMs: 2_000,
  // Keep the breaker out of this test: it would hold the queue after five failures.
  breaker: { threshold: 1_000 },
  input: z.object({ fail: z.boolean() }),
  async process({ input }) {
    if (input.fail) throw new Error('ledger unavailable for account 42');
    return { summary: 'fine' };
  },
});

const doomed = defineJob({
  queue: 'alerts-doomed',
  description: 'always fails, once',
  attempts: 1,
  timeoutMs: 2_000,
  input: z.object({}).loose(),
  async process() {
    throw new Error('tax ledger locked');
  },
});

/** Block Kit, as far as this message uses it: the limits Slack rejects a payload for. */
const plainText = (max: number) => z.strictObject({ type: z.literal('plain_text'), text: z.string().min(1).max(max), emoji: z.boolean().optional() });
const mrkdwn = (max: number) => z.strictObject({ type: z.literal('mrkdwn'), text: z.string().min(1).max(max) });
const blockKit = z.strictObject({
  text: z.string().min(1).max(3_000),
  blocks: z
    .array(
      z.discriminatedUnion('type', [
        z.strictObject({ type: z.literal('header'), text: plainText(150) }),
        z.strictObject({ type: z.literal('section'), text: mrkdwn(3_000), fields: z.array(mrkdwn(2_000)).max(10).optional() }),
        z.strictObject({
          type: z.literal('actions'),
          elements: z.array(z.strictObject({ type: z.literal('button'), text: plainText(75), url: z.url().max(3_000), action_id: z.string().max(255) })).min(1).max(25),
        }),
        z.strictObject({ type: z.literal('context'), elements: z.array(mrkdwn(3_000)).min(1).max(10) }),
      ]),
    )
    .min(1)
    .max(50),
});

describe('alert delivery', () => {
  let database: TestDatabase;
  let instance: AlertInstance;
  let receiver: WebhookReceiver;
  let smtp: SmtpReceiver;
  let subscriber: Redis;
  const inApp: AlertMessage[] = [];
  const logLines: string[] = [];
  const prefix = uniquePrefix('alerts');
  const channels = { webhook: 0, slack: 0, email: 0, inApp: 0, broken: 0 };

  beforeAll(async () => {
    database = await createTestDatabase();
    receiver = await startWebhookReceiver();
    smtp = await startSmtpReceiver();
    receiver.statusFor.set('/broken', 503);
    subscriber = new Redis(redisUrl);
    await subscriber.subscribe(inAppChannelKey(prefix));
    subscriber.on('message', (_channel, text: string) => inApp.push(JSON.parse(text) as AlertMessage));
    // Every log line at debug level, to prove no secret is ever written.
    const logger = pino(
      { level: 'debug' },
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          logLines.push(chunk.toString());
          callback();
        },
      }),
    );
    const db = database.db;
    channels.webhook = await insertChannel(db, { name: 'ops webhook', kind: 'webhook', secrets: { url: receiver.url(`/hook?token=${CANARY_URL_TOKEN}`), signingSecret: CANARY_SIGNING } });
    channels.slack = await insertChannel(db, { name: 'slack', kind: 'slack', secrets: { webhookUrl: receiver.url(`/slack/T000/B000/${CANARY_URL_TOKEN}`) } });
    channels.email = await insertChannel(db, {
      name: 'mail',
      kind: 'email',
      config: { host: '127.0.0.1', port: smtp.port, secure: false, user: 'bullpen', from: 'bullpen@example.test', to: ['oncall@example.test'] },
      secrets: { password: CANARY_SMTP },
    });
    channels.inApp = 1; // seeded by the migration
    channels.broken = await insertChannel(db, { name: 'broken', kind: 'webhook', secrets: { url: receiver.url('/broken'), signingSecret: 'another-secret-0123456789' } });
    instance = await startAlertInstance({ prefix, db, definitions: [flaky, doomed], logger });
  });

  afterAll(async () => {
    await instance?.close();
    subscriber?.disconnect();
    await receiver?.close();
    await smtp?.close();
    await database?.drop();
    await deletePrefix(prefix);
  });

  const notificationsOf = (ruleId: number) =>
    database.db.select().from(alertNotifications).where(eq(alertNotifications.ruleId, ruleId)).orderBy(asc(alertNotifications.id));
  const deliveriesOf = async (notificationId: number) =>
    database.db.select().from(alertDeliveries).where(eq(alertDeliveries.notificationId, notificationId)).orderBy(asc(alertDeliveries.channelId));
  const allSent = async (notificationId: number, n: number) => {
    const rows = await deliveriesOf(notificationId);
    return rows.length === n && rows.every((r) => r.status === 'sent');
  };
  const failOnce = async () => {
    const job = await instance.runtime.enqueue(flaky.queue, { fail: true });
    await waitFor(async () => (await job.getState()) === 'failed', 10_000, 'the job to fail');
    await instance.engine.settle();
  };

  it('groups failures: one alert per channel within the cooldown, one grouped follow-up after it, then a resolved message', async () => {
    const COOLDOWN = 2_000;
    const WINDOW = 1_200;
    const ruleId = await insertRule(database.db, {
      name: 'flaky failures',
      kind: 'job-failed',
      queues: [flaky.queue],
      windowMs: WINDOW,
      cooldownMs: COOLDOWN,
      channelIds: [channels.webhook, channels.slack, channels.email, channels.inApp],
    });

    for (let i = 0; i < 3; i++) await failOnce();
    const [firing] = await waitFor(async () => {
      const rows = await notificationsOf(ruleId);
      return rows.length > 0 && (await allSent(rows[0]!.id, 4)) ? rows : undefined;
    }, 15_000, 'the first alert to be delivered on four channels');
    expect((await notificationsOf(ruleId)).map((n) => n.kind)).toEqual(['firing']);
    expect(firing).toMatchObject({ kind: 'firing', count: 1, scope: flaky.queue, link: `${PUBLIC_URL}/queues/${flaky.queue}?state=failed` });
    expect(receiver.on('/hook')).toHaveLength(1);
    expect(receiver.on(`/slack/T000/B000/${CANARY_URL_TOKEN}`)).toHaveLength(1);
    await waitFor(() => smtp.mails.length >= 1 && inApp.length >= 1, 5_000, 'mail and in-app');
    expect(smtp.mails).toHaveLength(1);
    expect(inApp).toHaveLength(1);
    const [incident] = await database.db.select().from(alertIncidents).where(eq(alertIncidents.ruleId, ruleId));
    expect(incident).toMatchObject({ totalCount: 3, resolvedAt: null });

    // Failures go on past the cooldown: exactly one grouped follow-up.
    const followUp = await waitFor(
      async () => {
        const rows = await notificationsOf(ruleId);
        if (rows.length > 1) return rows[1];
        await failOnce();
        return undefined;
      },
      20_000,
      'a follow-up',
    );
    expect(followUp).toMatchObject({ kind: 'follow-up' });
    expect(followUp.count).toBeGreaterThanOrEqual(2);
    expect(followUp.summary).toMatch(new RegExp(`^${followUp.count} more failures in ${flaky.queue} in the last \\d+ s, top error: ledger unavailable for account 42$`));
    expect(followUp.createdAt.getTime() - firing!.createdAt.getTime()).toBeGreaterThanOrEqual(COOLDOWN - 50);

    // Failures stop: the rule clears after its window and says so, once.
    const resolved = await waitFor(async () => (await notificationsOf(ruleId)).find((n) => n.kind === 'resolved'), 15_000, 'the resolved message');
    const all = await notificationsOf(ruleId);
    expect(all.map((n) => n.kind)).toEqual(['firing', 'follow-up', 'resolved']);
    expect(resolved.title).toBe(`Resolved: Job failed in ${flaky.queue}`);
    for (const n of all) await waitFor(() => allSent(n.id, 4), 15_000, `notification ${n.id} delivered`);

    // Each channel got each message exactly once.
    await waitFor(() => smtp.mails.length >= 3 && inApp.length >= 3, 5_000, 'mail and in-app');
    expect(receiver.on('/hook').map((r) => (JSON.parse(r.body) as AlertMessage).kind)).toEqual(['firing', 'follow-up', 'resolved']);
    expect(receiver.on(`/slack/T000/B000/${CANARY_URL_TOKEN}`)).toHaveLength(3);
    expect(smtp.mails).toHaveLength(3);
    expect(inApp.map((m) => m.kind)).toEqual(['firing', 'follow-up', 'resolved']);
  });

  it('payloads: the webhook signature verifies with the channel secret, Slack gets valid Block Kit, mail has subject and link', () => {
    for (const request of receiver.on('/hook')) {
      const timestamp = String(request.headers['x-bullpen-timestamp']);
      const signature = String(request.headers['x-bullpen-signature']);
      const expected = `v1=${createHmac('sha256', CANARY_SIGNING).update(`${timestamp}.${request.body}`).digest('hex')}`;
      expect(timingSafeEqual(Buffer.from(signature), Buffer.from(expected))).toBe(true);
      expect(Math.abs(Date.now() / 1000 - Number(timestamp))).toBeLessThan(300);
      // A wrong secret does not verify.
      expect(signature).not.toBe(`v1=${createHmac('sha256', 'wrong').update(`${timestamp}.${request.body}`).digest('hex')}`);
      const body = JSON.parse(request.body) as AlertMessage & { type: string };
      expect(body).toMatchObject({ type: 'bullpen.alert', scope: flaky.queue, link: `${PUBLIC_URL}/queues/${flaky.queue}?state=failed` });
      expect(request.headers['x-bullpen-delivery']).toBe(String(body.deliveryId));
    }
    for (const request of receiver.requests.filter((r) => r.path.startsWith('/slack/'))) {
      expect(request.headers['content-type']).toBe('application/json');
      const payload = blockKit.parse(JSON.parse(request.body));
      expect(JSON.stringify(payload.blocks)).toContain(`${PUBLIC_URL}/queues/${flaky.queue}?state=failed`);
    }
    const first = smtp.mails[0]!;
    expect(first.subject).toBe(`[Bullpen] Job failed in ${flaky.queue}`);
    expect(first.to).toEqual(['oncall@example.test']);
    expect(first.raw).toContain(`${PUBLIC_URL}/queues/${flaky.queue}?state=failed`);
    expect(first.raw).toContain('Content-Type: text/html');
    expect(first.auth).toEqual({ username: 'bullpen', password: CANARY_SMTP });
    expect(smtp.mails[2]!.subject).toBe(`[Bullpen] Resolved: Job failed in ${flaky.queue}`);
  });

  it('a failing receiver is retried with backoff and recorded failed after the last attempt, while the other channels are delivered', async () => {
    const ruleId = await insertRule(database.db, {
      name: 'doomed dead letters',
      kind: 'dead-letter',
      queues: [doomed.queue],
      channelIds: [channels.broken, channels.webhook],
    });
    await instance.runtime.enqueue(doomed.queue, {});
    const notification = await waitFor(async () => (await notificationsOf(ruleId))[0], 10_000, 'the dead-letter alert');
    expect(notification.link).toMatch(new RegExp(`^${PUBLIC_URL}/dead-letters\\?queue=${doomed.queue}&group=Error%3A\\+tax\\+ledger\\+locked$`));
    const rows = await waitFor(async () => {
      const all = await deliveriesOf(notification.id);
      return all.length === 2 && all.every((d) => d.status === 'sent' || d.status === 'failed') ? all : undefined;
    }, 20_000, 'both deliveries to finish');
    const broken = rows.find((r) => r.channelId === channels.broken)!;
    const good = rows.find((r) => r.channelId === channels.webhook)!;
    expect(broken).toMatchObject({ status: 'failed', attempts: 3, lastError: 'HTTP_ERROR: the receiver answered 503' });
    expect(good).toMatchObject({ status: 'sent', attempts: 1 });
    const attempts = receiver.on('/broken');
    expect(attempts).toHaveLength(3);
    // Exponential backoff from 150 ms: ≥150 ms, then ≥300 ms between attempts.
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(140);
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(290);
    expect(receiver.on('/hook').filter((r) => (JSON.parse(r.body) as AlertMessage).ruleKind === 'dead-letter')).toHaveLength(1);
    // The delivery queue's own failures did not raise alerts about themselves.
    const rules = await database.db.select().from(alertRules);
    expect(rules.every((r) => r.queues.length > 0)).toBe(true);
    expect(await database.db.select().from(alertIncidents).where(eq(alertIncidents.scope, QUEUE.alertDelivery))).toEqual([]);
  });

  it('never writes a channel secret to a log line', () => {
    expect(logLines.length).toBeGreaterThan(10);
    const leaked = logLines.filter((line) => CANARIES.some((c) => line.includes(c)));
    expect(leaked).toEqual([]);
  });
});
