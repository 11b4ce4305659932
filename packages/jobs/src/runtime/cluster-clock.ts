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
import type { RedisClient } from './connection.js';

interface ClockState {
  /** The machine's Date.now, saved before any alignment. */
  readonly local: () => number;
  offsetMs: number;
  installs: number;
}

// One state per process, even if this module is loaded twice (source and built copies in one test
// run): a second copy must not save the already aligned Date.now as "the machine's clock".
const STATE_KEY = Symbol.for('bullpen.cluster-clock');
const state: ClockState = ((globalThis as Record<symbol, ClockState | undefined>)[STATE_KEY] ??= {
  local: Date.now.bind(Date),
  offsetMs: 0,
  installs: 0,
});

/** The process's own wall clock, whatever the alignment. */
export const localNow = (): number => state.local();

/** Local clock minus Redis, as last measured in this process (0 before any measurement). */
export function measuredSkewMs(): number {
  return -state.offsetMs;
}

/** Makes `Date.now()` follow Redis' clock in this process until the returned release is called (counted). */
export function installClusterClock(): () => void {
  if (state.installs++ === 0) Date.now = () => state.local() + state.offsetMs;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--state.installs === 0) {
      Date.now = state.local;
      state.offsetMs = 0;
    }
  };
}

/** Records a Redis time read between two local readings; returns the skew (local minus Redis) in ms. */
export function recordRedisTime(redisMs: number, localBefore: number, localAfter: number): number {
  const skew = Math.round((localBefore + localAfter) / 2 - redisMs);
  if (state.installs > 0) state.offsetMs = -skew;
  return skew;
}

/** Reads Redis' clock now and records it. Returns the skew (local minus Redis) in ms. */
export async function syncWithRedis(redis: RedisClient): Promise<number> {
  const before = localNow();
  const [seconds, micros] = await redis.time();
  const after = localNow();
  return recordRedisTime(Number(seconds) * 1000 + Math.floor(Number(micros) / 1000), before, after);
}
