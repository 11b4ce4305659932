// Where everything Bullpen writes to Redis lives. Two rules, so that the same layout works on one
// node, under Sentinel and on Redis Cluster:
// - Each queue's BullMQ keys share one hash tag, the queue's name (`<prefix>:{<queue>}:<queue>:…`):
//   BullMQ's Lua scripts touch many keys of one queue at once, which a cluster allows only within one
//   slot, and different queues hash to different slots, so they spread over the shards.
// - Bullpen's own keys share one hash tag too (`<prefix>:{bullpen}:…`), so that a command or
//   transaction over several of them (the login limiter's MULTI, …) never spans slots.
// Everything still starts with `<prefix>:`, so one prefix owns all an installation (or a test) writes.
// Standalone and Sentinel use the same layout: one mechanism, and moving to a cluster later is a
// copy of keys, not a rename.

/**
 * The BullMQ `prefix` of queue `queue`. Every Queue, Worker, QueueEvents and key computation goes
 * through here; a Queue made with the bare prefix would not see the runtime's jobs.
 */
export function queuePrefix(prefix: string, queue: string): string {
  return `${prefix}:{${queue}}`;
}

export function bullpenKeys(prefix: string) {
  const base = `${prefix}:{bullpen}`;
  return {
    /** Set of queues a version retired (tombstones): their schedulers are removed by every instance. */
    retiredQueues: `${base}:retired-queues`,
    /** Set of scheduler ids an operator paused; reconciliation leaves them removed. */
    pausedSchedules: `${base}:paused-schedules`,
    /** Hash queue → highest finishedOn the dead-letter reconciler has swept. */
    deadLetterWatermarks: `${base}:dead-letter-watermarks`,
    /** Hash instanceId → JSON heartbeat. */
    instances: `${base}:instances`,
    /** Sorted set instanceId → last heartbeat in Redis time (ms); drives expiry of the two hashes here. */
    instancesSeen: `${base}:instances-seen`,
    /** Hash instanceId → JSON {heartbeat, lastSeenAt, lostAt} of instances that went silent (not those that said farewell), kept for an hour. */
    instancesLost: `${base}:instances-lost`,
    /** Hash `${queue}|${instanceId}` → JSON breaker snapshot. */
    breakers: `${base}:breakers`,
    /** Hash queue → jobs put back in their queue as stalled (their lock lapsed), all instances together. */
    stalls: `${base}:stalls`,
    /**
     * Prefix of `${receipts}:${queue}:${jobId}` → JSON result of a run that completed after losing its
     * lock, so the job's recovered run completes with it instead of running (or failing) again.
     */
    receipts: `${base}:receipts`,
    /** `${readyProbe}:${instanceId}`: the short-lived key /readyz writes to prove Redis takes writes. */
    readyProbe: `${base}:ready-probe`,
    /** `${loginFailures}:user:<name>` and `:ip:<address>`: the login limiter's counters. */
    loginFailures: `${base}:login-failures`,
    /** Pub/sub channel: a queue name whose breakers every instance should reset. */
    breakerResetChannel: `${base}:breaker-reset`,
  };
}
export type BullpenKeys = ReturnType<typeof bullpenKeys>;
