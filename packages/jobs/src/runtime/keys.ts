// Bullpen's own Redis keys. All live under the queue prefix, beside BullMQ's, so one prefix owns
// everything an installation (or a test) writes.
export function bullpenKeys(prefix: string) {
  const base = `${prefix}:bullpen`;
  return {
    /** Set of every queue name any registry has declared, so removed types can be cleaned up. */
    knownQueues: `${base}:known-queues`,
    /** Set of scheduler ids an operator paused; reconciliation leaves them removed. */
    pausedSchedules: `${base}:paused-schedules`,
    /** Hash queue → highest finishedOn the dead-letter reconciler has swept. */
    deadLetterWatermarks: `${base}:dead-letter-watermarks`,
    /** Hash instanceId → JSON heartbeat. */
    instances: `${base}:instances`,
    /** Hash `${queue}|${instanceId}` → JSON breaker snapshot. */
    breakers: `${base}:breakers`,
    /** `${readyProbe}:${instanceId}`: the short-lived key /readyz writes to prove Redis takes writes. */
    readyProbe: `${base}:ready-probe`,
    /** Pub/sub channel: a queue name whose breakers every instance should reset. */
    breakerResetChannel: `${base}:breaker-reset`,
  };
}
export type BullpenKeys = ReturnType<typeof bullpenKeys>;
