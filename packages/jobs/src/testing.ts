// Helpers for tests of job types: run a processor exactly as the runtime would, without BullMQ.
import type { Database } from '@bullpen/db';
import { pino, type Logger } from 'pino';
import type { AnyJobDefinition, JobResult } from './definition.js';
import { executeAttempt } from './runtime/executor.js';

export interface RunJobOptions {
  db: Database;
  /** When the run was due; periods derive from it. Default now. */
  scheduledAt?: Date;
  signal?: AbortSignal;
  log?: Logger;
  jobId?: string;
  attempt?: number;
}

let sequence = 0;

/** Validates input, enforces the timeout and checks the result shape, as in production. */
export function runJob(definition: AnyJobDefinition, input: unknown, options: RunJobOptions): Promise<JobResult> {
  const id = options.jobId ?? `test-${++sequence}`;
  return executeAttempt(
    definition,
    {
      id,
      name: definition.queue,
      queue: definition.queue,
      data: input,
      attempt: options.attempt ?? 1,
      scheduledAt: options.scheduledAt ?? new Date(),
    },
    { db: options.db, log: options.log ?? pino({ level: 'silent' }), signal: options.signal },
  );
}
