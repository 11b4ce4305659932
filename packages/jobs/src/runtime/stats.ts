/**
 * Queue statistics at a cost that grows with the number of queues, never with the number of jobs:
 * one pipelined round trip reads each queue's state sizes (list and sorted-set lengths), paused flag,
 * per-minute metrics and the id of its oldest waiting job; a second reads those jobs' timestamps. The
 * keys are the ones BullMQ's own getJobCounts and getMetrics read.
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

export const JOB_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed', 'waiting-children'] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface QueueStats {
  queue: string;
  counts: Record<JobState, number>;
  paused: boolean;
  /** Jobs finished per minute, the current minute first (BullMQ's metrics, recorded by workers). */
  completedPerMinute: number[];
  failedPerMinute: number[];
  /** Age of the oldest job waiting to run, or null when none waits. */
  oldestWaitingMs: number | null;
}

/** Minutes of per-minute metrics returned: the last hour, what the overview's sparklines show. */
export const METRIC_MINUTES = 60;

/** Where BullMQ keeps each state: lists for waiting and active, sorted sets for the rest. */
const STATE_KEYS: Record<JobState, { key: string; list: boolean }> = {
  waiting: { key: 'wait', list: true },
  prioritized: { key: 'prioritized', list: false },
  active: { key: 'active', list: true },
  delayed: { key: 'delayed', list: false },
  completed: { key: 'completed', list: false },
  failed: { key: 'failed', list: false },
  'waiting-children': { key: 'waiting-children', list: false },
};
const PER_QUEUE = JOB_STATES.length + 6;

export interface MetricsMeta {
  count: number;
  prevTS: number;
  prevCount: number;
}

/**
 * Aligns BullMQ's metrics to the current minute, newest first. BullMQ flushes a minute's count into
 * its list only when a job finishes in a later minute: until then the count since `prevTS` is pending
 * in the metrics hash, and minutes with no finished job have no entry at all yet.
 */
export function perMinute(meta: MetricsMeta, data: readonly number[], now: number): number[] {
  const minutes = new Array<number>(METRIC_MINUTES).fill(0);
  if (!meta.prevTS) return minutes;
  const lag = Math.floor(now / 60_000) - Math.floor(meta.prevTS / 60_000);
  const place = (index: number, value: number) => {
    if (index >= 0 && index < METRIC_MINUTES) minutes[index] = value;
  };
  place(lag, meta.count - meta.prevCount);
  data.forEach((value, j) => place(lag + 1 + j, value));
  return minutes;
}

function replies(results: Array<[Error | null, unknown]> | null): unknown[] {
  return (results ?? []).map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}

function metaOf(value: unknown): MetricsMeta {
  const [count, prevTS, prevCount] = (Array.isArray(value) ? value : []).map((v) => Number(v) || 0);
  return { count: count ?? 0, prevTS: prevTS ?? 0, prevCount: prevCount ?? 0 };
}

function numbers(value: unknown): number[] {
  return (Array.isArray(value) ? value : []).map((v) => Number(v) || 0);
}

/** Statistics for `queues` in two round trips on `redis` (the connection the queues use). */
export async function readQueueStats(redis: Redis, queues: readonly Queue[], now = Date.now()): Promise<QueueStats[]> {
  if (queues.length === 0) return [];
  const sizes = redis.pipeline();
  for (const queue of queues) {
    const base = queue.keys['']!;
    for (const state of JOB_STATES) {
      const { key, list } = STATE_KEYS[state];
      if (list) sizes.llen(`${base}${key}`);
      else sizes.zcard(`${base}${key}`);
    }
    sizes.hexists(`${base}meta`, 'paused');
    sizes.hmget(`${base}metrics:completed`, 'count', 'prevTS', 'prevCount');
    sizes.lrange(`${base}metrics:completed:data`, 0, METRIC_MINUTES - 1);
    sizes.hmget(`${base}metrics:failed`, 'count', 'prevTS', 'prevCount');
    sizes.lrange(`${base}metrics:failed:data`, 0, METRIC_MINUTES - 1);
    // The wait list grows at the head; its tail is the oldest waiting job.
    sizes.lindex(`${base}wait`, -1);
  }
  const values = replies(await sizes.exec());
  const oldestIds = queues.map((_q, i) => values[i * PER_QUEUE + PER_QUEUE - 1] as string | null);
  const timestamps = redis.pipeline();
  queues.forEach((queue, i) => {
    if (oldestIds[i]) timestamps.hget(`${queue.keys['']}${oldestIds[i]}`, 'timestamp');
  });
  const stamps = oldestIds.some(Boolean) ? replies(await timestamps.exec()) : [];
  let next = 0;
  return queues.map((queue, i) => {
    const row = values.slice(i * PER_QUEUE, (i + 1) * PER_QUEUE);
    const oldest = oldestIds[i] ? (stamps[next++] as string | null) : null;
    const at = JOB_STATES.length;
    return {
      queue: queue.name,
      counts: Object.fromEntries(JOB_STATES.map((state, s) => [state, Number(row[s]) || 0])) as Record<JobState, number>,
      paused: row[at] === 1,
      completedPerMinute: perMinute(metaOf(row[at + 1]), numbers(row[at + 2]), now),
      failedPerMinute: perMinute(metaOf(row[at + 3]), numbers(row[at + 4]), now),
      oldestWaitingMs: oldest ? Math.max(0, now - Number(oldest)) : null,
    };
  });
}
