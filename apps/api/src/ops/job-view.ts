// What the API shows of a BullMQ job. Data, results, progress and options pass the secret masker.
import type { Job, Queue } from 'bullmq';
import { maskSecrets } from './mask-secrets.js';

export interface JobSummary {
  id: string;
  name: string;
  queue: string;
  timestamp: number;
  processedOn: number | null;
  finishedOn: number | null;
  attemptsMade: number;
  delay: number;
  priority: number;
  progress: unknown;
  failedReason: string | null;
  data: unknown;
}

export function jobSummary(job: Job): JobSummary {
  return {
    id: job.id ?? '',
    name: job.name,
    queue: job.queueName,
    timestamp: job.timestamp,
    processedOn: job.processedOn ?? null,
    finishedOn: job.finishedOn ?? null,
    attemptsMade: job.attemptsMade,
    delay: job.delay ?? 0,
    priority: job.priority ?? 0,
    progress: maskSecrets(job.progress),
    failedReason: job.failedReason || null,
    data: maskSecrets(job.data),
  };
}

const MAX_LOG_LINES = 100;

export async function jobDetail(queue: Queue, job: Job) {
  const [state, logs] = await Promise.all([job.getState(), queue.getJobLogs(job.id ?? '', 0, MAX_LOG_LINES - 1, false)]);
  // The runtime notes each stall in the job's log ("stalled at <ISO time>: …"), see runtime.ts.
  const stallEvents = logs.logs.flatMap((line) => {
    const at = /^stalled at (\S+):/.exec(line)?.[1];
    return at && !Number.isNaN(Date.parse(at)) ? [{ event: 'stalled', at: Date.parse(at), detail: line }] : [];
  });
  const timeline = [
    { event: 'added', at: job.timestamp },
    ...(job.delay ? [{ event: 'due', at: job.timestamp + job.delay }] : []),
    ...stallEvents,
    ...(job.processedOn ? [{ event: 'started', at: job.processedOn }] : []),
    ...(job.finishedOn ? [{ event: job.failedReason && state === 'failed' ? 'failed' : 'finished', at: job.finishedOn }] : []),
  ].sort((a, b) => a.at - b.at);
  return {
    ...jobSummary(job),
    state,
    opts: maskSecrets(job.opts),
    attemptsStarted: job.attemptsStarted ?? null,
    /** Times the job was put back in its queue because its lock lapsed; each run again from the start. */
    stalledCount: job.stalledCounter ?? 0,
    /** The instance that took it last (BullMQ's worker name is the instance id). */
    processedBy: job.processedBy ?? null,
    stacktrace: (job.stacktrace ?? []).filter(Boolean),
    returnvalue: maskSecrets(job.returnvalue ?? null),
    logs: { lines: logs.logs, total: logs.count },
    timeline,
  };
}
