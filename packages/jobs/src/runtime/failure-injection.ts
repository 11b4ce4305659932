/**
 * Demo mode's deliberate failures, so that an operator sees retries, dead letters and breaker trips
 * within the first minutes of `npm start`. Two kinds, for the listed queues only:
 * - poisoned jobs: a share (`rate`) of jobs, chosen by a hash of the job id, fail every attempt and
 *   so end as dead letters (a failure per attempt would almost never exhaust three attempts);
 * - outages: for `forMs`, starting `afterMs` after start and then every `everyMs`, every attempt
 *   fails, as when a dependency is down, so consecutive failures open the type's circuit breaker.
 */
import { createHash } from 'node:crypto';

export interface FailureInjection {
  /** Share of jobs (0–1) that fail every attempt. */
  rate: number;
  queues: readonly string[];
  outage?: { afterMs: number; forMs: number; everyMs: number } | undefined;
}

export type FailureDecider = (queue: string, jobId: string, now?: number) => boolean;

export function failureDecider(injection: FailureInjection | undefined, startedAt: number): FailureDecider {
  if (!injection || injection.queues.length === 0) return () => false;
  const queues = new Set(injection.queues);
  const { rate, outage } = injection;
  return (queue, jobId, now = Date.now()) => {
    if (!queues.has(queue)) return false;
    if (outage) {
      const sinceFirst = now - startedAt - outage.afterMs;
      if (sinceFirst >= 0 && sinceFirst % outage.everyMs < outage.forMs) return true;
    }
    if (rate <= 0) return false;
    const hash = createHash('sha1').update(`${queue}/${jobId}`).digest().readUInt32BE(0);
    return hash / 0x1_0000_0000 < rate;
  };
}
