// The statistics of every queue in two Redis round trips: one pipeline reads each queue's state sizes,
// paused flag, per-minute metrics and the id of its oldest waiting job; a second reads those jobs'
// timestamps. The same figures as the runtime's stats() (same keys BullMQ's getCounts and getMetrics
// scripts read), but a dashboard poll costs two round trips instead of ~6 per queue. The cost grows
// with the number of queues, never with the number of jobs.
import { JOB_STATES, METRIC_MINUTES, type JobRuntime, type JobState, type QueueStats } from '@bullpen/jobs';

const LISTS = new Set<JobState>(['waiting', 'active']);
const KEY_OF: Record<JobState, string> = {
  waiting: 'wait',
  prioritized: 'prioritized',
  active: 'active',
  delayed: 'delayed',
  completed: 'completed',
  failed: 'failed',
  'waiting-children': 'waiting-children',
};
const PER_QUEUE = JOB_STATES.length + 6;

/**
 * Newest minute first, aligned to `now` exactly as perMinute() in @bullpen/jobs stats.ts does: BullMQ
 * keeps the current minute's count pending in the metrics hash until a job finishes in a later minute.
 */
function minutes(meta: unknown, data: unknown, now: number): number[] {
  const out = new Array<number>(METRIC_MINUTES).fill(0);
  const [count, prevTS, prevCount] = (Array.isArray(meta) ? meta : []).map((v) => Number(v) || 0);
  if (!prevTS) return out;
  const lag = Math.floor(now / 60_000) - Math.floor(prevTS / 60_000);
  const place = (index: number, value: number) => {
    if (index >= 0 && index < METRIC_MINUTES) out[index] = value;
  };
  place(lag, (count ?? 0) - (prevCount ?? 0));
  (Array.isArray(data) ? data : []).forEach((value, j) => place(lag + 1 + j, Number(value) || 0));
  return out;
}

function unwrap(replies: Array<[Error | null, unknown]> | null): unknown[] {
  return (replies ?? []).map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}

export async function readOverview(runtime: JobRuntime, names: readonly string[] = runtime.queueNames, now = Date.now()): Promise<QueueStats[]> {
  const queues = names.map((name) => runtime.queue(name)!);
  const first = runtime.redis.pipeline();
  for (const queue of queues) {
    const base = queue.keys['']!;
    for (const state of JOB_STATES) {
      const key = `${base}${KEY_OF[state]}`;
      if (LISTS.has(state)) first.llen(key);
      else first.zcard(key);
    }
    first.hexists(`${base}meta`, 'paused');
    first.hmget(`${base}metrics:completed`, 'count', 'prevTS', 'prevCount');
    first.lrange(`${base}metrics:completed:data`, 0, METRIC_MINUTES - 1);
    first.hmget(`${base}metrics:failed`, 'count', 'prevTS', 'prevCount');
    first.lrange(`${base}metrics:failed:data`, 0, METRIC_MINUTES - 1);
    // The wait list grows at the head; its tail is the oldest waiting job.
    first.lindex(`${base}wait`, -1);
  }
  const values = unwrap(await first.exec());
  const oldestIds = queues.map((_q, i) => values[i * PER_QUEUE + PER_QUEUE - 1] as string | null);
  const second = runtime.redis.pipeline();
  queues.forEach((queue, i) => {
    if (oldestIds[i]) second.hget(`${queue.keys['']}${oldestIds[i]}`, 'timestamp');
  });
  const timestamps = oldestIds.some(Boolean) ? unwrap(await second.exec()) : [];
  let t = 0;
  return queues.map((queue, i) => {
    const row = values.slice(i * PER_QUEUE, (i + 1) * PER_QUEUE);
    const oldest = oldestIds[i] ? (timestamps[t++] as string | null) : null;
    return {
      queue: queue.name,
      counts: Object.fromEntries(JOB_STATES.map((state, s) => [state, Number(row[s]) || 0])) as Record<JobState, number>,
      paused: row[JOB_STATES.length] === 1,
      completedPerMinute: minutes(row[JOB_STATES.length + 1], row[JOB_STATES.length + 2], now),
      failedPerMinute: minutes(row[JOB_STATES.length + 3], row[JOB_STATES.length + 4], now),
      oldestWaitingMs: oldest ? Math.max(0, now - Number(oldest)) : null,
    };
  });
}
