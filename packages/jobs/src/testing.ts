// Helpers for tests and benchmarks: run a processor exactly as the runtime would, without BullMQ, and
// clean up what a test wrote to Redis.
import type { Database } from '@bullpen/db';
import type { Redis } from 'ioredis';
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

/** Deletes every key under `prefix:` with SCAN (never KEYS) and UNLINK, a bounded batch at a time. */
export async function deleteKeysUnder(redis: Redis, prefix: string, batch = 1_000): Promise<number> {
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', batch);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
