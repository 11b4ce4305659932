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
  const timeline = [
    { event: 'added', at: job.timestamp },
    ...(job.delay ? [{ event: 'due', at: job.timestamp + job.delay }] : []),
    ...(job.processedOn ? [{ event: 'started', at: job.processedOn }] : []),
    ...(job.finishedOn ? [{ event: job.failedReason && state === 'failed' ? 'failed' : 'finished', at: job.finishedOn }] : []),
  ];
  return {
    ...jobSummary(job),
    state,
    opts: maskSecrets(job.opts),
    attemptsStarted: job.attemptsStarted ?? null,
    stacktrace: (job.stacktrace ?? []).filter(Boolean),
    returnvalue: maskSecrets(job.returnvalue ?? null),
    logs: { lines: logs.logs, total: logs.count },
    timeline,
  };
}
