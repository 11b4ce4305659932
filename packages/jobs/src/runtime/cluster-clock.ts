/**
 * One clock for the cluster: Redis' `TIME`.
 *
 * BullMQ 6.7 takes every scheduling time from the calling process's `Date.now()`: the next slot of a
 * job scheduler (`JobScheduler.upsertJobScheduler`, `getNextJobOpts`), the `timestamp` it passes to
 * its Lua scripts (`updateJobScheduler`, `addJobScheduler`), and the moment a worker promotes delayed
 * jobs (`moveToActive`, `moveToFinished`). An instance whose clock runs five minutes ahead therefore
 * promotes the next run five minutes early, computes the slot after that from its own "now", and
 * runs a scheduled type back to back. BullMQ has no clock option, so the runtime aligns the process's
 * `Date.now()` with Redis: it measures the offset to `TIME` (half the round trip as the estimate) at
 * start and on every heartbeat, and `Date.now()` returns the local clock plus that offset. Monotonic
 * timers are untouched. The measured skew (local clock minus Redis) is reported per instance.
 */
import type { Redis } from 'ioredis';

/** The process's own wall clock, whatever the alignment. */
export const localNow: () => number = Date.now.bind(Date);

let offsetMs = 0;
let installs = 0;

/** Local clock minus Redis, as last measured in this process (0 before any measurement). */
export function measuredSkewMs(): number {
  return -offsetMs;
}

/** Makes `Date.now()` follow Redis' clock in this process until the returned release is called (counted). */
export function installClusterClock(): () => void {
  if (installs++ === 0) Date.now = () => localNow() + offsetMs;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--installs === 0) {
      Date.now = localNow;
      offsetMs = 0;
    }
  };
}

/** Records a Redis time read between two local readings; returns the skew (local minus Redis) in ms. */
export function recordRedisTime(redisMs: number, localBefore: number, localAfter: number): number {
  const skew = Math.round((localBefore + localAfter) / 2 - redisMs);
  if (installs > 0) offsetMs = -skew;
  return skew;
}

/** Reads Redis' clock now and records it. Returns the skew (local minus Redis) in ms. */
export async function syncWithRedis(redis: Redis): Promise<number> {
  const before = localNow();
  const [seconds, micros] = await redis.time();
  const after = localNow();
  return recordRedisTime(Number(seconds) * 1000 + Math.floor(Number(micros) / 1000), before, after);
}
