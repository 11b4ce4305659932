/**
 * Scheduler reconciliation: makes BullMQ's job schedulers match the registry.
 *
 * For each queue of this instance's registry and each retired queue:
 * - a type in the registry with a schedule, not paused by an operator and not retired → exactly one
 *   scheduler, whose id is the queue name, upserted with the current cadence and job options;
 * - a type without a schedule, paused, or retired → no scheduler;
 * - any other scheduler id on the queue → removed.
 * A queue with a scheduler that is neither in this registry nor retired is left alone: during a rolling deploy it is a type a newer version added, and an older instance
 * restarting must not delete its scheduler. Only a retirement removes a type's scheduler: the version
 * that drops a type lists its queue in `retiredQueues` (next to the catalog), and reconciliation writes
 * a tombstone (the retired-queues set) that every instance, older ones included, obeys. A retired name
 * is not reused.
 *
 * Pause and resume race reconciliation: both sides write, then re-read the paused set, and apply again
 * if it changed meanwhile (`convergeScheduler`). Whoever flips the paused set last also applies after
 * the flip, and any writer that applied a stale decision sees the flip on its re-read, so the scheduler
 * ends as the paused set says: a pause during a restart sticks.
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
  /** Queues of types this version dropped: their schedulers are removed everywhere, for good. */
  retiredQueues?: readonly string[] | undefined;
  queueFor: (name: string) => Queue | undefined;
  redis: RedisClient;
  prefix: string;
  keys: BullpenKeys;
  demo: boolean;
  jobOptions: (definition: AnyJobDefinition) => JobsOptions;
  log: Logger;
  /** Test seam: runs after a queue's paused state was read and before the scheduler is written. */
  beforeApply?: ((queue: string) => Promise<void>) | undefined;
}

export interface ReconcileResult {
  upserted: string[];
  removed: string[];
}

const SCHEDULER_PAGE = 100;
/** Rounds of apply-then-recheck before giving up on a queue whose paused state keeps flipping. */
const CONVERGE_ROUNDS = 5;

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

export interface ConvergeInput {
  queue: Queue;
  /** The cadence when not paused; undefined: the queue must have no scheduler. */
  schedule: Schedule | undefined;
  jobOptions: JobsOptions;
  redis: RedisClient;
  keys: BullpenKeys;
  log: Logger;
  beforeApply?: ((queue: string) => Promise<void>) | undefined;
}

/**
 * Makes one queue's scheduler match its schedule and the paused set: apply, re-read the paused set,
 * apply again if it changed. Returns what was applied last.
 */
export async function convergeScheduler(input: ConvergeInput): Promise<'upserted' | 'removed'> {
  const { queue, schedule, redis, keys } = input;
  const name = queue.name;
  let paused = (await redis.sismember(keys.pausedSchedules, name)) === 1;
  await input.beforeApply?.(name);
  for (let round = 1; ; round++) {
    const want = schedule !== undefined && !paused;
    if (want) await upsertScheduler(queue, schedule, input.jobOptions);
    else await queue.removeJobScheduler(name);
    const pausedNow = (await redis.sismember(keys.pausedSchedules, name)) === 1;
    if (pausedNow === paused || schedule === undefined) return want ? 'upserted' : 'removed';
    if (round >= CONVERGE_ROUNDS) {
      input.log.warn({ queue: name, rounds: round }, 'scheduler pause state kept changing during reconciliation; the last operator action will apply it');
      return want ? 'upserted' : 'removed';
    }
    paused = pausedNow;
  }
}

export async function reconcileSchedulers(input: ReconcileInput): Promise<ReconcileResult> {
  const { definitions, redis, keys, log } = input;
  const names = definitions.map((d) => d.queue);
  const tombstones = input.retiredQueues ?? [];
  if (tombstones.length > 0) await redis.sadd(keys.retiredQueues, ...tombstones);
  const retired = new Set(await redis.smembers(keys.retiredQueues));
  const byQueue = new Map(definitions.map((d) => [d.queue, d]));
  const result: ReconcileResult = { upserted: [], removed: [] };

  for (const name of new Set([...names, ...retired])) {
    const definition = byQueue.get(name);
    if (definition && retired.has(name) && activeSchedule(definition, input.demo)) {
      log.warn({ queue: name }, 'this registry still schedules a type another version retired; its scheduler stays removed');
    }
    const schedule = definition && !retired.has(name) ? activeSchedule(definition, input.demo) : undefined;
    const ownQueue = input.queueFor(name);
    // A retired type has no Queue in this registry: open one just to clean it up.
    const queue = ownQueue ?? new Queue(name, { connection: redis, prefix: queuePrefix(input.prefix, name) });
    try {
      const applied = await convergeScheduler({
        queue,
        schedule,
        jobOptions: definition ? input.jobOptions(definition) : {},
        redis,
        keys,
        log,
        beforeApply: input.beforeApply,
      });
      if (applied === 'upserted') result.upserted.push(name);
      for (;;) {
        const existing = await queue.getJobSchedulers(0, SCHEDULER_PAGE - 1);
        const stale = existing.filter((s) => s.key !== name);
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
  log.info({ upserted: result.upserted.length, removed: result.removed, retired: [...retired] }, 'job schedulers reconciled');
  return result;
}
