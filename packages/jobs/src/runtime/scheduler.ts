/**
 * Scheduler reconciliation: makes BullMQ's job schedulers match the registry.
 *
 * For every queue ever declared (the known-queues set plus the current registry):
 * - a type in the registry with a schedule, not paused by an operator → exactly one scheduler, whose id
 *   is the queue name, upserted with the current cadence and job options;
 * - a type without a schedule, paused, or gone from the registry → no scheduler;
 * - any other scheduler id on the queue → removed.
 *
 * Every step is idempotent (upsert by id, remove by id), so any number of instances may run it at once
 * and on every start; BullMQ's deterministic ids for the next run keep concurrent upserts from producing
 * two delayed jobs. Nothing here depends on being the only instance.
 */
import { Queue, type JobsOptions, type RepeatOptions } from 'bullmq';
import type { Logger } from 'pino';
import type { AnyJobDefinition, Schedule } from '../definition.js';
import type { RedisClient } from './connection.js';
import { queuePrefix, type BullpenKeys } from './keys.js';

export interface ReconcileInput {
  definitions: readonly AnyJobDefinition[];
  queueFor: (name: string) => Queue | undefined;
  redis: RedisClient;
  prefix: string;
  keys: BullpenKeys;
  demo: boolean;
  jobOptions: (definition: AnyJobDefinition) => JobsOptions;
  log: Logger;
}

export interface ReconcileResult {
  upserted: string[];
  removed: string[];
}

const SCHEDULER_PAGE = 100;

export function repeatOptions(schedule: Schedule): Omit<RepeatOptions, 'key'> {
  return 'every' in schedule ? { every: schedule.every } : { pattern: schedule.pattern, tz: schedule.tz ?? 'UTC' };
}

/** Upserts the one scheduler of a type: id and job name are the queue name, options the type's. */
export async function upsertScheduler(queue: Queue, schedule: Schedule, jobOptions: JobsOptions): Promise<void> {
  const { jobId: _jobId, delay: _delay, ...template } = jobOptions;
  await queue.upsertJobScheduler(queue.name, repeatOptions(schedule), { name: queue.name, data: {}, opts: template });
}

export function activeSchedule(definition: AnyJobDefinition, demo: boolean): Schedule | undefined {
  return (demo ? definition.demoSchedule : undefined) ?? definition.schedule;
}

export async function reconcileSchedulers(input: ReconcileInput): Promise<ReconcileResult> {
  const { definitions, redis, keys, log } = input;
  const names = definitions.map((d) => d.queue);
  if (names.length > 0) await redis.sadd(keys.knownQueues, ...names);
  const [known, paused] = await Promise.all([redis.smembers(keys.knownQueues), redis.smembers(keys.pausedSchedules)]);
  const pausedSet = new Set(paused);
  const byQueue = new Map(definitions.map((d) => [d.queue, d]));
  const result: ReconcileResult = { upserted: [], removed: [] };

  for (const name of new Set([...known, ...names])) {
    const definition = byQueue.get(name);
    const schedule = definition && !pausedSet.has(name) ? activeSchedule(definition, input.demo) : undefined;
    const ownQueue = input.queueFor(name);
    // A removed type has no Queue in this registry: open one just to clean it up.
    const queue = ownQueue ?? new Queue(name, { connection: redis, prefix: queuePrefix(input.prefix, name) });
    try {
      if (definition && schedule) {
        await upsertScheduler(queue, schedule, input.jobOptions(definition));
        result.upserted.push(name);
      }
      for (;;) {
        const existing = await queue.getJobSchedulers(0, SCHEDULER_PAGE - 1);
        const stale = existing.filter((s) => !(schedule && s.key === name));
        for (const s of stale) {
          await queue.removeJobScheduler(s.key);
          result.removed.push(`${name}/${s.key}`);
        }
        if (stale.length === 0 || existing.length < SCHEDULER_PAGE) break;
      }
    } finally {
      if (!ownQueue) await queue.close();
    }
  }
  log.info({ upserted: result.upserted.length, removed: result.removed }, 'job schedulers reconciled');
  return result;
}
