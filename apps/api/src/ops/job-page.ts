// One page of a queue's jobs as summaries, read with only the fields a summary shows.
//
// Why not queue.getJobs(): BullMQ 6's getJobs runs a script that reads every job's whole hash, throws
// those hashes away, then reads each whole hash again with HGETALL and decodes all of it, options
// (msgpack), stack traces and return value included. A summary needs ten small fields. One page of 50
// failed jobs of 400,000 (bench/api.bench.ts, "50 failed jobs") is read here in two round trips: the
// page's ids (BullMQ's getRanges, the same order and the same state keys as getJobs), then one
// pipelined HMGET per job. The values are decoded the way BullMQ decodes them (rawToJobJson and
// Job.fromJSON in bullmq 6.7) into the fields jobSummary reads, and jobSummary (with its masking)
// makes the summary, so the response is the one it gives for BullMQ's job; a test compares them.
import type { JobState, SecretMasker } from '@bullpen/jobs';
import type { Job, Queue } from 'bullmq';
import type { RedisClient } from '@bullpen/jobs';
import { jobSummary, type JobSummary } from './job-view.js';

const FIELDS = ['name', 'data', 'timestamp', 'processedOn', 'finishedOn', 'attemptsMade', 'atm', 'delay', 'priority', 'progress', 'failedReason'] as const;

function decode(queue: Queue, id: string, raw: ReadonlyArray<string | null>, masker: SecretMasker): JobSummary | undefined {
  const [name, data, timestamp, processedOn, finishedOn, attemptsMade, atm, delay, priority, progress, failedReason] = raw;
  // A job removed between reading its id and its fields: skipped, as getJobs skips it.
  if (name === null && timestamp === null && data === null) return undefined;
  const job = {
    id,
    name: name ?? undefined,
    queueName: queue.name,
    timestamp: parseInt(timestamp!),
    processedOn: processedOn ? parseInt(processedOn) : undefined,
    finishedOn: finishedOn ? parseInt(finishedOn) : undefined,
    attemptsMade: parseInt(attemptsMade || atm || '0'),
    delay: parseInt(delay!),
    priority: parseInt(priority!),
    progress: JSON.parse(progress || '0') as unknown,
    failedReason: failedReason ?? undefined,
    data: JSON.parse(data || '{}') as unknown,
  };
  return jobSummary(job as unknown as Job, masker);
}

/** Jobs `start`..`end` (inclusive) of `state`, newest first, as summaries. `redis` is the queue's connection. */
export async function readJobPage(redis: RedisClient, queue: Queue, state: JobState, start: number, end: number, masker: SecretMasker): Promise<JobSummary[]> {
  const ids = await queue.getRanges([state], start, end, false);
  if (ids.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.hmget(`${queue.keys['']}${id}`, ...FIELDS);
  const rows = (await pipeline.exec()) ?? [];
  const out: JobSummary[] = [];
  rows.forEach(([err, raw], i) => {
    if (err) throw err;
    const summary = decode(queue, ids[i]!, raw as Array<string | null>, masker);
    if (summary) out.push(summary);
  });
  return out;
}
