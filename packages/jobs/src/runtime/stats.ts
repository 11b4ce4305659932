/**
 * Queue statistics at a cost that grows with the number of queues, never with the number of jobs:
 * one script call per queue (all sent at once) reads its state sizes (list and sorted-set lengths),
 * paused flag, per-minute metrics and its oldest waiting job's timestamp. The keys are the ones
 * BullMQ's own getJobCounts and getMetrics read.
 */
import type { Queue } from 'bullmq';
import type { RedisClient } from './connection.js';

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

function metaOf(value: unknown): MetricsMeta {
  const [count, prevTS, prevCount] = (Array.isArray(value) ? value : []).map((v) => Number(v) || 0);
  return { count: count ?? 0, prevTS: prevTS ?? 0, prevCount: prevCount ?? 0 };
}

function numbers(value: unknown): number[] {
  return (Array.isArray(value) ? value : []).map((v) => Number(v) || 0);
}

/**
 * Every figure of one queue in one script call. It used to be two pipelined round trips of 13
 * commands per queue (about 200 for 15 queues), and in a CPU profile of the overview
 * (bench/api.bench.ts, "where the time goes") ioredis, sending those commands, arming a command
 * timeout for each and parsing each reply, was the largest part after Node's own HTTP work. Read
 * side by side for 15 queues (load average 11–19 on 2 cores): 1.4–2.2 ms of CPU and 3.4–5.9 ms wall
 * per read pipelined, 0.16–0.20 ms of CPU and 0.73–0.82 ms wall as one script for all queues. The
 * script runs once per queue because each queue's keys carry their own hash tag (keys.ts): one call
 * across queues would span slots on Redis Cluster. Within a queue every key shares the tag, so the
 * key names the script builds from the base stay in the slot of the one key it is given, as in
 * BullMQ's own scripts.
 */
const STATS_SCRIPT = `
local states = {${JOB_STATES.map((state) => `{'${STATE_KEYS[state].key}', ${STATE_KEYS[state].list}}`).join(', ')}}
local last = tonumber(ARGV[1])
local base = KEYS[1]
local row = {}
for _, state in ipairs(states) do
  if state[2] then row[#row + 1] = redis.call('LLEN', base .. state[1]) else row[#row + 1] = redis.call('ZCARD', base .. state[1]) end
end
row[#row + 1] = redis.call('HEXISTS', base .. 'meta', 'paused')
row[#row + 1] = redis.call('HMGET', base .. 'metrics:completed', 'count', 'prevTS', 'prevCount')
row[#row + 1] = redis.call('LRANGE', base .. 'metrics:completed:data', 0, last)
row[#row + 1] = redis.call('HMGET', base .. 'metrics:failed', 'count', 'prevTS', 'prevCount')
row[#row + 1] = redis.call('LRANGE', base .. 'metrics:failed:data', 0, last)
-- The wait list grows at the head; its tail is the oldest waiting job.
local oldest = redis.call('LINDEX', base .. 'wait', -1)
if oldest then row[#row + 1] = redis.call('HGET', base .. oldest, 'timestamp') else row[#row + 1] = false end
return row
`;

type StatsRedis = RedisClient & { bullpenQueueStats?: (numKeys: number, ...args: Array<string | number>) => Promise<unknown[]> };

/** Statistics for `queues`, one script call each, sent together on `redis` (the connection the queues use). */
export async function readQueueStats(redis: RedisClient, queues: readonly Queue[], now = Date.now()): Promise<QueueStats[]> {
  if (queues.length === 0) return [];
  const client = redis as StatsRedis;
  // defineCommand sends EVALSHA and falls back to EVAL once when Redis does not know the script yet.
  if (!client.bullpenQueueStats) client.defineCommand('bullpenQueueStats', { lua: STATS_SCRIPT });
  const rows = await Promise.all(queues.map((queue) => client.bullpenQueueStats!(1, queue.keys['']!, METRIC_MINUTES - 1)));
  return queues.map((queue, i) => {
    const row = rows[i]!;
    const at = JOB_STATES.length;
    const oldest = row[at + 5] as string | null;
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
