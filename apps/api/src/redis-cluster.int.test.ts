// Redis Cluster, for real: three masters started by this file (redis-server --cluster-enabled yes,
// redis-cli --cluster create), torn down after. One instance runs every role against it, configured as
// in production (REDIS_CLUSTER_NODES), with every job type of the catalog on a small world, plus a type
// that fails (dead letters) and a second scheduler-role instance. Then: every type's job completes,
// schedulers are one per type, the overview counts equal BullMQ's getJobCounts, the worker directory,
// /metrics, SSE, dead-letter reconciliation and Bull Board answer, the queues sit on more than one
// shard, and no master ever refused a command for spanning slots (INFO errorstats: no CROSSSLOT).
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { catalog, createRedis, generateWorld, JOB_STATES, masters, queuePrefix, startRuntime, type JobRuntime } from '@bullpen/jobs';
import { startRedisCluster, type LocalRedisCluster } from '@bullpen/jobs/testing';
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { scanKeys, startHarness, waitFor, type Harness } from './test-harness.js';
import { failJob, okJob } from './test-jobs.js';

const definitions = [...catalog, okJob, failJob];

describe('on a Redis Cluster of three masters', () => {
  let cluster: LocalRedisCluster;
  let h: Harness;
  let secondScheduler: JobRuntime | undefined;

  beforeAll(async () => {
    cluster = await startRedisCluster(3);
    h = await startHarness({
      definitions,
      roles: { worker: true, scheduler: true },
      env: { REDIS_CLUSTER_NODES: cluster.nodesText, METRICS_TOKEN: 'cluster-metrics-token-0123' },
    });
    await generateWorld(h.database.db, { seed: 12, size: { base: 'small', characters: 60, properties: 120, workers: 200, trades: 300 } });
  }, 90_000);

  afterAll(async () => {
    await secondScheduler?.close();
    await h?.close();
    await cluster?.stop();
  });

  it('runs a job of every type, and the overview counts equal BullMQ getJobCounts', async () => {
    const added = await Promise.all([
      ...catalog.map((definition) => h.runtime.enqueue(definition.queue, definition.queue === 'player-notifications' ? { notificationId: 1 } : {})),
      h.runtime.enqueue(okJob.queue, { n: 1 }),
      h.runtime.enqueue(failJob.queue, { n: 1 }),
    ]);
    for (const job of added) {
      const queue = h.runtime.queue(job.queueName)!;
      const state = await waitFor(
        async () => {
          const s = await queue.getJobState(job.id!);
          return s === 'completed' || s === 'failed' ? s : undefined;
        },
        45_000,
        `${job.queueName} job ${job.id} to finish`,
      );
      expect({ queue: job.queueName, state }).toEqual({ queue: job.queueName, state: job.queueName === failJob.queue ? 'failed' : 'completed' });
    }

    const res = await request(h.app).get('/api/v1/queues').set('Cookie', h.as.viewer.cookie);
    expect(res.status).toBe(200);
    const overview = res.body.queues as Array<{ name: string; counts: Record<string, number> }>;
    expect(overview.map((q) => q.name).sort()).toEqual([...h.runtime.queueNames].sort());
    for (const { name, counts } of overview) {
      const bullmq = await h.runtime.queue(name)!.getJobCounts(...JOB_STATES);
      expect({ name, counts }).toEqual({ name, counts: bullmq });
    }
  }, 120_000);

  it('keeps one scheduler per scheduled type with two scheduler instances', async () => {
    secondScheduler = await startRuntime({
      redis: h.config.REDIS,
      prefix: h.prefix,
      definitions,
      db: h.database.db,
      logger: pino({ level: 'silent' }),
      instanceId: 'second-scheduler',
      roles: { worker: false, scheduler: true },
    });
    for (const name of h.runtime.queueNames) {
      const definition = h.runtime.definition(name)!;
      const schedulers = await h.runtime.queue(name)!.getJobSchedulers();
      expect({ name, schedulers: schedulers.map((s) => s.key) }).toEqual({ name, schedulers: definition.schedule ? [name] : [] });
    }
  }, 60_000);

  it('spreads the queues over more than one shard', async () => {
    const redis = createRedis(h.config.REDIS, 'worker');
    try {
      await waitFor(() => redis.status === 'ready', 10_000, 'a cluster connection');
      // SCAN on a node lists that node's keys only: which queues' keys (by their hash tag) each master holds.
      const queuesOn = new Map<number, Set<string>>();
      for (const node of masters(redis)) {
        const found = new Set<string>();
        for (const key of await scanKeys(node, `${h.prefix}:{*`)) {
          const name = /^[^{]*\{([^}]+)\}/.exec(key)![1]!;
          if (h.runtime.queueNames.includes(name)) found.add(name);
        }
        queuesOn.set(node.options.port!, found);
      }
      const shards = [...queuesOn.values()].filter((found) => found.size > 0);
      expect(shards.length).toBeGreaterThan(1);
      // Each queue on exactly one shard: its keys share one slot.
      const placements = [...queuesOn.values()].flatMap((found) => [...found]);
      expect(placements.sort()).toEqual([...h.runtime.queueNames].sort());
      expect(queuePrefix(h.prefix, okJob.queue)).toBe(`${h.prefix}:{${okJob.queue}}`);
    } finally {
      redis.disconnect();
    }
  });

  it('serves the worker directory, dead-letter reconciliation, login limits, metrics, live events and Bull Board', async () => {
    const workers = await request(h.app).get('/api/v1/workers').set('Cookie', h.as.viewer.cookie);
    expect(workers.status).toBe(200);
    const seen = new Set((workers.body.workers as Array<{ queue: string }>).map((w) => w.queue));
    expect([...seen].sort()).toEqual([...h.runtime.queueNames].sort());

    await h.runtime.reconcileDeadLetters();
    const letters = await request(h.app).get(`/api/v1/dead-letters?queue=${failJob.queue}`).set('Cookie', h.as.viewer.cookie);
    expect(letters.status).toBe(200);
    expect(JSON.stringify(letters.body)).toContain(failJob.queue);

    // The login limiter counts a failure on two keys in one MULTI: legal on a cluster only in one slot.
    const wrong = await request(h.app).post('/api/v1/auth/login').send({ username: 'viewer', password: 'not-the-password' });
    expect(wrong.status).toBe(401);

    const metrics = await request(h.app).get('/metrics').set('Authorization', 'Bearer cluster-metrics-token-0123');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/^bullpen_redis_up 1$/m);
    expect(metrics.text).toContain(`bullpen_queue_jobs{queue="${okJob.queue}",state="completed"} 1`);

    const board = await request(h.app).get(`/board/api/queues?activeQueue=${okJob.queue}&status=completed&page=1&jobsPerPage=10`).set('Cookie', h.as.admin.cookie);
    expect(board.status).toBe(200);
    const boardQueue = (board.body.queues as Array<{ name: string; counts: Record<string, number> }>).find((q) => q.name === okJob.queue)!;
    expect(boardQueue.counts.completed).toBe(1);

    const server = h.app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const controller = new AbortController();
    const deadline = setTimeout(() => controller.abort(), 10_000);
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/events`, { headers: { Cookie: h.as.viewer.cookie }, signal: controller.signal });
      const reader = res.body!.getReader();
      let buffer = '';
      while (!buffer.includes('event: queues')) buffer += new TextDecoder().decode((await reader.read()).value);
      const frame = buffer.slice(buffer.indexOf('event: queues')).split('\n')[1]!.slice(6);
      expect((JSON.parse(frame) as { queues: unknown[] }).queues).toHaveLength(h.runtime.queueNames.length);
    } finally {
      clearTimeout(deadline);
      controller.abort();
      server.closeAllConnections();
      server.close();
    }
  }, 60_000);

  it('never sent a command that spans slots', async () => {
    const redis = createRedis(loadConfig({ REDIS_CLUSTER_NODES: cluster.nodesText }).REDIS, 'worker');
    try {
      await waitFor(() => redis.status === 'ready', 10_000, 'a cluster connection');
      for (const node of masters(redis)) {
        const errors = await node.info('errorstats');
        expect({ node: node.options.port, crossSlot: /errorstat_CROSSSLOT:count=(\d+)/.exec(errors)?.[1] ?? '0' }).toEqual({ node: node.options.port, crossSlot: '0' });
      }
    } finally {
      redis.disconnect();
    }
  });
});
