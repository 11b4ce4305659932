// Helpers for tests and benchmarks: run a processor exactly as the runtime would, without BullMQ, and
// clean up what a test wrote to Redis.
import type { Database } from '@bullpen/db';
import { pino, type Logger } from 'pino';
import type { AnyJobDefinition, JobResult } from './definition.js';
import { masters, type RedisClient } from './runtime/connection.js';
import { executeAttempt } from './runtime/executor.js';

export { startRedisCluster, startSentinel, type LocalRedisCluster, type LocalSentinel } from './local-redis.js';

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

/**
 * Deletes every key under `prefix:` with SCAN (never KEYS) and UNLINK, a bounded batch at a time. On a
 * cluster SCAN sees one node's keys only, so every master is scanned; each key is unlinked on its own
 * (pipelined), because a multi-key UNLINK across slots is refused.
 */
export async function deleteKeysUnder(redis: RedisClient, prefix: string, batch = 1_000): Promise<number> {
  let deleted = 0;
  for (const node of masters(redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', batch);
      cursor = next;
      if (keys.length === 0) continue;
      const unlink = node.pipeline();
      for (const key of keys) unlink.unlink(key);
      for (const [err, count] of (await unlink.exec()) ?? []) {
        if (err) throw err;
        deleted += Number(count);
      }
    } while (cursor !== '0');
  }
  return deleted;
}
