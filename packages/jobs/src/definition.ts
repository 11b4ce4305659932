import type { Database } from '@bullpen/db';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Executor as OutboxExecutor, OutboxEntry } from './runtime/outbox.js';

/** When a job type runs by itself. Production cadence; the demo cadence may be faster. */
export type Schedule =
  | { /** Cron pattern (with seconds optional), evaluated in `tz`. */ pattern: string; /** IANA time zone. Default UTC. */ tz?: string }
  | { /** Fixed interval in milliseconds. */ every: number };

export interface Backoff {
  type: 'fixed' | 'exponential';
  /** Base delay in milliseconds. */
  delay: number;
}

export interface BreakerOptions {
  /** Consecutive failures that open the breaker. Default 5. */
  threshold?: number;
  /** How long the breaker stays open before one probe is let through, in ms. Default 30 000. */
  halfOpenAfterMs?: number;
}

/** What a processor returns; the executor adds the duration and checks the shape. */
export interface JobOutcome {
  /** `ok` by default; `partial` when a bounded run left work for the next run; `skipped` when nothing was due. */
  status?: 'ok' | 'partial' | 'skipped';
  /** One line for humans: what this run did. */
  summary: string;
  /** Named counts, e.g. `{ billed: 120, skipped: 3 }`. */
  counts?: Record<string, number>;
}

/** The standard result stored as the BullMQ return value of every job. */
export const jobResultSchema = z.object({
  status: z.enum(['ok', 'partial', 'skipped']),
  summary: z.string().max(1_000),
  counts: z.record(z.string(), z.number().finite()),
  durationMs: z.number().nonnegative(),
});
export type JobResult = z.infer<typeof jobResultSchema>;

/** What a processor gets for one attempt. */
export interface JobContext<Input> {
  /** The job's data, validated against the definition's input schema. */
  input: Input;
  /** Aborted at the type's timeout or when the job is cancelled: pass it to every await that can take it. */
  signal: AbortSignal;
  /** A pino child logger carrying queue, job id and attempt. */
  log: Logger;
  db: Database;
  job: {
    id: string;
    name: string;
    queue: string;
    /** 1 for the first attempt. */
    attempt: number;
    /**
     * When this run was due: the scheduler's slot for scheduled jobs, the enqueue time (plus delay)
     * otherwise. Derive periods from this, never from the worker's clock.
     */
    scheduledAt: Date;
  };
  /** Reports progress (0–100 or an object) to the dashboard. */
  progress(value: number | Record<string, unknown>): Promise<void>;
  /**
   * Records follow-up jobs in the outbox inside your open transaction `tx`; the runtime enqueues them
   * after the attempt (and a sweep catches any a crash left behind). Never call `queue.add()` inside a
   * transaction.
   */
  enqueueAfterCommit(tx: OutboxExecutor, entries: readonly OutboxEntry[]): Promise<void>;
}

export interface JobDefinition<Input = unknown, Queue extends string = string> {
  /** The queue, from QUEUE in queue-names.ts. One job type per queue. */
  queue: Queue;
  /** One line for the dashboard. */
  description: string;
  /** Production cadence. Absent for on-demand types. */
  schedule?: Schedule | undefined;
  /** Cadence in demo mode (npm start). Default: `schedule`. */
  demoSchedule?: Schedule | undefined;
  /** BullMQ priority: 1 is the highest, larger is lower, absent means none. Default none. */
  priority?: number | undefined;
  /** Attempts before the job becomes a dead letter. Default 3. */
  attempts?: number | undefined;
  /** Default exponential, 1 000 ms. */
  backoff?: Backoff | undefined;
  /** Each attempt is aborted after this many ms and fails with JobTimeoutError. */
  timeoutMs: number;
  /**
   * How long a worker's lock on a job of this type lasts, in ms. Default: the runtime's
   * `lockDurationMs` (LOCK_DURATION_MS). The lock is renewed from the event loop, so a processor that
   * blocks it (CPU-bound work with no await) for longer lets the lock lapse and the job is run again
   * elsewhere as stalled: give CPU-heavy types a lock longer than their longest blocking stretch.
   */
  lockDurationMs?: number | undefined;
  /** Parallel jobs per worker process. Default 1. */
  concurrency?: number | undefined;
  /** Never two runs at once across all instances (BullMQ global concurrency 1). Default false. */
  exclusive?: boolean | undefined;
  breaker?: BreakerOptions | undefined;
  /** Checked at run time too: a queued job may come from older code. */
  input: z.ZodType<Input>;
  process(ctx: JobContext<Input>): Promise<JobOutcome>;
}

/** Declares a job type. Keeps the input type flowing from the schema into the processor. */
export function defineJob<Input, const Queue extends string>(
  definition: JobDefinition<Input, Queue>,
): JobDefinition<Input, Queue> {
  if (definition.exclusive && (definition.concurrency ?? 1) !== 1) {
    throw new Error(`Job type "${definition.queue}" is exclusive, so its concurrency must be 1 (got ${definition.concurrency}).`);
  }
  if (!(definition.timeoutMs > 0)) {
    throw new Error(`Job type "${definition.queue}" needs a positive timeoutMs (got ${definition.timeoutMs}).`);
  }
  if (definition.lockDurationMs !== undefined && !(definition.lockDurationMs >= 1_000)) {
    throw new Error(`Job type "${definition.queue}" needs a lockDurationMs of at least 1000 ms (got ${definition.lockDurationMs}).`);
  }
  if ((definition.attempts ?? 3) < 1) {
    throw new Error(`Job type "${definition.queue}" needs at least one attempt (got ${definition.attempts}).`);
  }
  return definition;
}

// Erased form used by the runtime, which handles every type alike.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyJobDefinition = JobDefinition<any, string>;
