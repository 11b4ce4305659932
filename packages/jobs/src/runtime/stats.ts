import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

export const JOB_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed', 'waiting-children'] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface QueueStats {
  queue: string;
  counts: Record<JobState, number>;
  paused: boolean;
  /** BullMQ per-minute metrics, newest minute first (workers record them). */
  completedPerMinute: number[];
  failedPerMinute: number[];
  /** Age of the oldest job waiting to run, or null when none waits. */
  oldestWaitingMs: number | null;
}

/** Minutes of per-minute metrics returned. */
export const METRIC_MINUTES = 15;

/**
 * Statistics for one queue at a constant cost: counts come from list and sorted-set lengths and the
 * metrics from BullMQ's per-minute counters, so nothing scans jobs however many there are.
 */
export async function queueStats(queue: Queue, client: Redis, now = Date.now()): Promise<QueueStats> {
  const [counts, paused, completed, failed, oldestId] = await Promise.all([
    queue.getJobCounts(...JOB_STATES),
    queue.isPaused(),
    queue.getMetrics('completed', 0, METRIC_MINUTES - 1),
    queue.getMetrics('failed', 0, METRIC_MINUTES - 1),
    // The wait list grows at the head; its tail is the oldest waiting job.
    client.lindex(queue.keys.wait!, -1),
  ]);
  const oldestTimestamp = oldestId ? await client.hget(`${queue.keys['']}${oldestId}`, 'timestamp') : null;
  return {
    queue: queue.name,
    counts: Object.fromEntries(JOB_STATES.map((s) => [s, counts[s] ?? 0])) as Record<JobState, number>,
    paused,
    completedPerMinute: perMinute(completed, now),
    failedPerMinute: perMinute(failed, now),
    oldestWaitingMs: oldestTimestamp ? Math.max(0, now - Number(oldestTimestamp)) : null,
  };
}

type Metrics = Awaited<ReturnType<Queue['getMetrics']>>;

/**
 * Aligns BullMQ's metrics to the current minute, newest first. BullMQ flushes a minute's count into
 * its list only when a job finishes in a later minute: until then the count since `prevTS` is pending
 * in `meta`, and minutes with no finished job have no entry at all yet.
 */
export function perMinute(metrics: Metrics, now: number): number[] {
  const minutes = new Array<number>(METRIC_MINUTES).fill(0);
  const { count, prevTS, prevCount } = metrics.meta;
  if (!prevTS) return minutes;
  const lag = Math.floor(now / 60_000) - Math.floor(prevTS / 60_000);
  const place = (index: number, value: number) => {
    if (index >= 0 && index < METRIC_MINUTES) minutes[index] = value;
  };
  place(lag, count - prevCount);
  metrics.data.forEach((value, j) => place(lag + 1 + j, Number(value)));
  return minutes;
}
