import { Redis } from 'ioredis';
import { z } from 'zod';
import { beforeAll, describe, expect, it } from 'vitest';
import { defineJob } from '../definition.js';
import { redisUrl, useWorkerRuntime, waitFor } from '../../test/support.js';
import { JOB_STATES, METRIC_MINUTES } from './stats.js';


const counted = defineJob({
  queue: 'counted',
  description: 'completes or fails as its input says',
  attempts: 1,
  timeoutMs: 1_000,
  breaker: { threshold: 1_000 },
  input: z.object({ fail: z.boolean().default(false) }),
  async process({ input }) {
    if (input.fail) throw new Error('asked to fail');
    return { summary: 'done' };
  },
});
const idle = defineJob({ queue: 'idle', description: 'no worker takes these', timeoutMs: 1_000, input: z.object({}).loose(), process: async () => ({ summary: '' }) });

describe('queue statistics', () => {
  const t = useWorkerRuntime('stats', [counted, idle]);
  // Nothing consumes `idle` in this file: paused, its jobs stay waiting.
  beforeAll(() => t.runtime.queue('idle')!.pause());

  it('counts jobs per state and per minute, and reports the oldest waiting job', async () => {
    const ok = await Promise.all([1, 2, 3].map(() => t.runtime.enqueue(counted.queue, { fail: false })));
    const bad = await Promise.all([1, 2].map(() => t.runtime.enqueue(counted.queue, { fail: true })));
    await Promise.all(ok.map((j) => j.waitUntilFinished(t.events, 5_000)));
    await Promise.all(bad.map((j) => j.waitUntilFinished(t.events, 5_000).catch(() => undefined)));
    const enqueuedAt = Date.now();
    await t.runtime.enqueue('idle');
    await t.runtime.enqueue('idle');
    await t.runtime.enqueue('idle', {}, { delay: 60_000 });

    const stats = await t.runtime.stats();
    expect(stats.map((s) => s.queue).sort()).toEqual(['bullpen-dead-letter-reconciliation', 'bullpen-outbox-relay', 'counted', 'idle']);
    const countedStats = stats.find((s) => s.queue === 'counted')!;
    expect(countedStats.counts).toMatchObject({ completed: 3, failed: 2, active: 0, waiting: 0, delayed: 0 });
    expect(countedStats.completedPerMinute.reduce((a, b) => a + b, 0)).toBe(3);
    expect(countedStats.failedPerMinute.reduce((a, b) => a + b, 0)).toBe(2);
    expect(countedStats.completedPerMinute).toHaveLength(METRIC_MINUTES);
    expect(countedStats.oldestWaitingMs).toBeNull();

    // The same figures BullMQ's own (per-queue, scripted) calls give.
    for (const { queue, counts, paused } of stats) {
      const bull = t.runtime.queue(queue)!;
      expect(counts).toEqual(await bull.getJobCounts(...JOB_STATES));
      expect(paused).toBe(await bull.isPaused());
    }
    const idleStats = stats.find((s) => s.queue === 'idle')!;
    expect(idleStats.paused).toBe(true);
    expect(idleStats.counts).toMatchObject({ waiting: 2, delayed: 1 });
    expect(idleStats.oldestWaitingMs).toBeGreaterThanOrEqual(0);
    expect(idleStats.oldestWaitingMs).toBeLessThanOrEqual(Date.now() - enqueuedAt + 1_000);
  });

  it('costs the same number of Redis commands whatever the number of jobs', async () => {
    const queue = t.runtime.queue('idle')!;
    // Redis's MONITOR shows every command the runtime's connection sends, tagged with its address.
    const monitor = await new Redis(redisUrl).monitor();
    const own = () => {
      const stream = (t.runtime.redis as unknown as { stream: { localPort: number } }).stream;
      return `:${stream.localPort}`;
    };
    let round = 0;
    const commandsForStats = async () => {
      const seen: string[][] = [];
      const onCommand = (_time: string, args: string[], source: string) => {
        // The connection's own commands, and the commands its stats script runs on this queue's keys.
        if (source.endsWith(own()) || (source === 'lua' && String(args[1]).startsWith(queue.keys['']!))) seen.push(args.map(String));
      };
      monitor.on('monitor', onCommand);
      round += 1;
      // Markers: MONITOR lags, so only what the connection sent between them counts.
      await t.runtime.redis.ping(`before-${round}`);
      await t.runtime.queueStats('idle');
      await t.runtime.redis.ping(`after-${round}`);
      const marker = (name: string) => seen.findIndex((args) => args[0]?.toLowerCase() === 'ping' && args[1] === `${name}-${round}`);
      await waitFor(() => marker('after') >= 0, 5_000, 'the closing marker');
      monitor.off('monitor', onCommand);
      return seen.slice(marker('before') + 1, marker('after')).map((args) => args[0]!.toLowerCase());
    };
    try {
      const few = await commandsForStats();
      await queue.addBulk(Array.from({ length: 5_000 }, () => ({ name: 'idle', data: {} })));
      const many = await commandsForStats();
      expect(many).toEqual(few);
      // One script call, which reads thirteen keys of the queue and the oldest waiting job's timestamp.
      expect(few[0]).toBe('evalsha');
      expect(few).toHaveLength(15);
      expect(few).not.toContain('scan');
      expect(few).not.toContain('zrange');
    } finally {
      monitor.disconnect();
    }
  });
});
