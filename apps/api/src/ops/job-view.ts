// What the API shows of a BullMQ job. Every field a secret can hide in (data, name, failed reason,
// stack traces, logs, progress, result, options) passes the one secret masker.
import type { SecretMasker } from '@bullpen/jobs';
import type { Job, Queue } from 'bullmq';

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

export function jobSummary(job: Job, masker: SecretMasker): JobSummary {
  return {
    id: job.id ?? '',
    name: masker.text(job.name),
    queue: job.queueName,
    timestamp: job.timestamp,
    processedOn: job.processedOn ?? null,
    finishedOn: job.finishedOn ?? null,
    attemptsMade: job.attemptsMade,
    delay: job.delay ?? 0,
    priority: job.priority ?? 0,
    progress: masker.value(job.progress),
    failedReason: job.failedReason ? masker.text(job.failedReason) : null,
    data: masker.value(job.data),
  };
}

const MAX_LOG_LINES = 100;

export async function jobDetail(queue: Queue, job: Job, masker: SecretMasker) {
  const [state, logs] = await Promise.all([job.getState(), queue.getJobLogs(job.id ?? '', 0, MAX_LOG_LINES - 1, false)]);
  // The runtime notes each stall in the job's log ("stalled at <ISO time>: …"), see runtime.ts.
  const stallEvents = logs.logs.flatMap((line) => {
    const at = /^stalled at (\S+):/.exec(line)?.[1];
    return at && !Number.isNaN(Date.parse(at)) ? [{ event: 'stalled', at: Date.parse(at), detail: masker.text(line) }] : [];
  });
  const timeline = [
    { event: 'added', at: job.timestamp },
    ...(job.delay ? [{ event: 'due', at: job.timestamp + job.delay }] : []),
    ...stallEvents,
    ...(job.processedOn ? [{ event: 'started', at: job.processedOn }] : []),
    ...(job.finishedOn ? [{ event: job.failedReason && state === 'failed' ? 'failed' : 'finished', at: job.finishedOn }] : []),
  ].sort((a, b) => a.at - b.at);
  return {
    ...jobSummary(job, masker),
    state,
    opts: masker.value(job.opts),
    attemptsStarted: job.attemptsStarted ?? null,
    /** Times the job was put back in its queue because its lock lapsed; each run again from the start. */
    stalledCount: job.stalledCounter ?? 0,
    /** The instance that took it last (BullMQ's worker name is the instance id). */
    processedBy: job.processedBy ?? null,
    stacktrace: (job.stacktrace ?? []).filter(Boolean).map((line) => masker.text(line)),
    returnvalue: masker.value(job.returnvalue ?? null),
    logs: { lines: logs.logs.map((line) => masker.text(line)), total: logs.count },
    timeline,
  };
}
