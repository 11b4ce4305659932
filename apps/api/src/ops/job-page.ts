// One page of a queue's jobs as summaries, read with only the fields a summary shows.
//
// Why not queue.getJobs(): BullMQ 6's getJobs runs a script that reads every job's whole hash, throws
// those hashes away, then reads each whole hash again with HGETALL and decodes all of it, options
// (msgpack), stack traces and return value included. A summary needs ten small fields. One page of 50
// failed jobs of 400,000 (bench/api.bench.ts, "50 failed jobs") is read here in two round trips: the
// page's ids (BullMQ's getRanges, the same order and the same state keys as getJobs), then one
// pipelined HMGET per job. The values are decoded the way BullMQ decodes them (rawToJobJson and
// Job.fromJSON in bullmq 6.7), so the response is the one jobSummary(job) gives; a test compares them.
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { JobState } from '@bullpen/jobs';
import { maskSecrets } from './mask-secrets.js';
import type { JobSummary } from './job-view.js';

const FIELDS = ['name', 'data', 'timestamp', 'processedOn', 'finishedOn', 'attemptsMade', 'atm', 'delay', 'priority', 'progress', 'failedReason'] as const;

function decode(queue: Queue, id: string, raw: ReadonlyArray<string | null>): JobSummary | undefined {
  const [name, data, timestamp, processedOn, finishedOn, attemptsMade, atm, delay, priority, progress, failedReason] = raw;
  // A job removed between reading its id and its fields: skipped, as getJobs skips it.
  if (name === null && timestamp === null && data === null) return undefined;
  return {
    id,
    name: name ?? (undefined as unknown as string),
    queue: queue.name,
    timestamp: parseInt(timestamp!),
    processedOn: processedOn ? parseInt(processedOn) : null,
    finishedOn: finishedOn ? parseInt(finishedOn) : null,
    attemptsMade: parseInt(attemptsMade || atm || '0'),
    delay: parseInt(delay!),
    priority: parseInt(priority!),
    progress: maskSecrets(JSON.parse(progress || '0') as unknown),
    failedReason: failedReason || null,
    data: maskSecrets(JSON.parse(data || '{}') as unknown),
  };
}

/** Jobs `start`..`end` (inclusive) of `state`, newest first, as summaries. `redis` is the queue's connection. */
export async function readJobPage(redis: Redis, queue: Queue, state: JobState, start: number, end: number): Promise<JobSummary[]> {
  const ids = await queue.getRanges([state], start, end, false);
  if (ids.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.hmget(`${queue.keys['']}${id}`, ...FIELDS);
  const rows = (await pipeline.exec()) ?? [];
  const out: JobSummary[] = [];
  rows.forEach(([err, raw], i) => {
    if (err) throw err;
    const summary = decode(queue, ids[i]!, raw as Array<string | null>);
    if (summary) out.push(summary);
  });
  return out;
}
