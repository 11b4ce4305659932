import { alertDeliveries, alertNotifications, openDatabase, type DatabaseHandle } from '@bullpen/db';
import { createTestDatabase, type TestDatabase } from '@bullpen/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineJob } from '../definition.js';
import { QUEUE } from '../queue-names.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../test/alert-receivers.js';
import { insertChannel, insertRule, startAlertInstance, type AlertInstance } from '../../test/alert-runtime.js';
import { deletePrefix, uniquePrefix, waitFor } from '../../test/support.js';
import type { AlertMessage } from './channels.js';

const failing = defineJob({
  queue: 'shared-failing',
  description: 'fails, on whichever instance takes it',
  attempts: 1,
  concurrency: 2,
  timeoutMs: 2_000,
  breaker: { threshold: 1_000 },
  input: z.object({}).loose(),
  async process() {
    throw new Error('shard unavailable');
  },
});
const parked = defineJob({ queue: 'shared-parked', description: 'paused by the test', timeoutMs: 2_000, input: z.object({}).loose(), process: async () => ({ summary: 'ok' }) });

describe('three instances', () => {
  let database: TestDatabase;
  const handles: DatabaseHandle[] = [];
  const instances: AlertInstance[] = [];
  let receiver: WebhookReceiver;
  const prefix = uniquePrefix('alert-instances');

  beforeAll(async () => {
    database = await createTestDatabase();
    receiver = await startWebhookReceiver();
    const hook = await insertChannel(database.db, { name: 'hook', kind: 'webhook', secrets: { url: receiver.url('/hook'), signingSecret: 'instances-secret-0123456789' } });
    const slack = await insertChannel(database.db, { name: 'slack', kind: 'slack', secrets: { webhookUrl: receiver.url('/slack') } });
    await insertRule(database.db, { name: 'failures', kind: 'job-failed', queues: [failing.queue], windowMs: 60_000, cooldownMs: 60_000, channelIds: [hook, slack] });
    await insertRule(database.db, { name: 'backlog', kind: 'backlog', queues: [parked.queue], params: { threshold: 1 }, channelIds: [hook, slack] });
    // Three instances, each with its own database pool, all with the worker and scheduler roles.
    for (const id of ['a', 'b', 'c']) {
      const handle = await openDatabase({ url: database.url, poolSize: 3 });
      handles.push(handle);
      instances.push(await startAlertInstance({ prefix, db: handle.db, definitions: [failing, parked], instanceId: `instance-${id}` }));
    }
  });
  afterAll(async () => {
    await Promise.all(instances.map((i) => i.close()));
    await Promise.all(handles.map((h) => h.close()));
    await receiver?.close();
    await database?.drop();
    await deletePrefix(prefix);
  });

  it('delivers each alert exactly once per channel', async () => {
    await instances[0]!.runtime.queue(parked.queue)!.pause();
    await Promise.all([1, 2, 3].map(() => instances[0]!.runtime.enqueue(parked.queue, {})));
    const jobs = await Promise.all(Array.from({ length: 12 }, (_, i) => instances[i % 3]!.runtime.enqueue(failing.queue, {})));
    await waitFor(async () => (await Promise.all(jobs.map((j) => j.getState()))).every((s) => s === 'failed'), 20_000, 'every job to fail');
    // The failures were spread over the instances, so each one's event path raced to open the incident.
    const processedBy = new Set((await Promise.all(jobs.map(async (j) => (await instances[0]!.runtime.queue(failing.queue)!.getJob(j.id!))!.processedBy))));
    expect(processedBy.size).toBeGreaterThan(1);
    await Promise.all(instances.map((i) => i.engine.settle()));

    const sent = await waitFor(async () => {
      const rows = await database.db.select().from(alertDeliveries);
      return rows.length === 4 && rows.every((r) => r.status === 'sent') ? rows : undefined;
    }, 20_000, 'four deliveries sent');
    // Let several more evaluations run on whichever instances take them: nothing new may be sent.
    const evaluation = instances[0]!.runtime.queue(QUEUE.alertEvaluation)!;
    const before = ((await evaluation.getJobCounts('completed')).completed ?? 0);
    await waitFor(async () => ((await evaluation.getJobCounts('completed')).completed ?? 0) >= before + 6, 20_000, 'six more evaluations');

    const notifications = await database.db.select().from(alertNotifications);
    expect(notifications.map((n) => `${n.ruleKind}:${n.kind}`).sort()).toEqual(['backlog:firing', 'job-failed:firing']);
    expect(await database.db.select().from(alertDeliveries)).toHaveLength(sent.length);
    const hooks = receiver.on('/hook').map((r) => JSON.parse(r.body) as AlertMessage);
    expect(hooks.map((m) => m.ruleKind).sort()).toEqual(['backlog', 'job-failed']);
    expect(receiver.on('/slack')).toHaveLength(2);
  });
});
