/**
 * Dead letters: the jobs that ran out of attempts, kept in PostgreSQL.
 *
 * Flow of one job: failing attempts are retried by BullMQ with the type's backoff → the last attempt
 * moves it to BullMQ's failed set (state `failed`, finishedOn set) → the worker's `failed` handler
 * records it here (`dead`) → then one of:
 * - replay: a new job `dead-letter-<id>` on the original queue; the letter becomes `replayed`;
 * - retry of the original job in BullMQ (our API's retry, or Bull Board's, which bypasses the API):
 *   when the retried job starts, the letter becomes `retried`;
 * - discard: `discarded`.
 *
 * One re-run per failure: the letter's status is the claim, and both re-runs take it before they run
 * (`claimForRun`): the replayed job claims dead → replayed (or finds it already claimed for itself),
 * the retried original claims dead → retried. Whichever starts second finds the letter taken and
 * completes as `skipped` without running the processor. Replay adds the job first and claims second,
 * so a crash between the two leaves a replayable letter and a job that claims it when it runs; a
 * second replay re-adds the same job id, which BullMQ ignores while the job exists.
 *
 * Exactly once: rows are keyed by (queue, job id, finishedOn) and inserted with ON CONFLICT DO NOTHING.
 * If the process dies after BullMQ marked the job failed but before the insert, the reconciler (a
 * scheduled Bullpen job) sweeps each queue's failed set from a watermark and inserts what is missing.
 */
import { deadLetters, type Database, type DeadLetterStatus } from '@bullpen/db';
import { and, count, desc, eq, gte, ilike, inArray, lte, max, min, sql, type SQL } from 'drizzle-orm';
import type { Job, Queue } from 'bullmq';
import type { RedisClient } from './connection.js';
import type { Logger } from 'pino';
import { errorFingerprint, serializeError, type SerializedError } from '../errors.js';
import type { BullpenKeys } from './keys.js';
import { defaultMasker, type SecretMasker } from '../masking.js';

export type DeadLetter = typeof deadLetters.$inferSelect;

export interface DeadLetterFilter {
  queue?: string | undefined;
  /** Case-insensitive text searched in the error message and fingerprint. */
  q?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  status?: DeadLetterStatus | undefined;
  fingerprint?: string | undefined;
}

export type DeadLetterSelection = { ids: readonly number[] } | { filter: DeadLetterFilter };

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

/** A dead letter as just written: the stored (masked) error and the fingerprint it is grouped by. */
export interface RecordedLetter {
  queue: string;
  jobId: string;
  error: SerializedError;
  fingerprint: string;
}

export interface DeadLetterGroup {
  fingerprint: string;
  queue: string;
  /** One letter's error message (masked, as stored), for people: the fingerprint masks its numbers and ids. */
  sample: string;
  count: number;
  firstFailedAt: Date;
  lastFailedAt: Date;
}

export interface ReplayOutcome {
  replayed: Array<{ id: number; queue: string; jobId: string }>;
  /** Selected ids that were not replayable (unknown, already replayed or discarded, or queue unknown). */
  skipped: number[];
}

export const MAX_PAGE_SIZE = 200;
/** Replay/discard by filter touches at most this many rows per call; the caller may repeat. */
export const MAX_BULK = 1_000;
const RECONCILE_BATCH = 200;
const RECONCILE_MAX_BATCHES = 25;
/** Sweeps start this far behind the watermark, to cover failures whose record was in flight. */
const RECONCILE_SKEW_MS = 60_000;
const REPLAY_JOB_ID = /^dead-letter-(\d+)$/;

/** Whether a starting attempt may run, or another re-run of the same failure owns it. */
export type RunClaim = { run: true } | { run: false; reason: string };

/** True when a job that BullMQ had failed for good is running again because someone retried it. */
export function isRetriedAfterFinalFailure(job: Job): boolean {
  const attempts = job.opts.attempts ?? 1;
  // Retry keeps attemptsMade (so it is past the limit) unless asked to reset it; a reset job still
  // carries the stack traces of its earlier failures, which a first attempt never has.
  return job.attemptsMade >= attempts || (job.attemptsMade === 0 && (job.stacktrace?.length ?? 0) > 0);
}

export interface DeadLetterHooks {
  /** Test seam: runs after replay added a letter's job and before it claims the letter. */
  betweenReplayAddAndClaim?: ((letterId: number, jobId: string) => Promise<void>) | undefined;
}

/** Rebuilds an error from what BullMQ kept when the process died before it could record the original. */
function errorFromJob(job: Job): SerializedError {
  const stack = job.stacktrace?.at(-1) ?? undefined;
  const name = stack?.match(/^([A-Za-z_$][\w$]*)(?::|$)/)?.[1] ?? 'Error';
  return { name, message: job.failedReason ?? 'unknown failure', stack };
}

export class DeadLetterStore {
  constructor(
    private readonly db: Database,
    private readonly instanceId: string,
    private readonly log: Logger,
    private readonly masker: SecretMasker = defaultMasker,
    private readonly hooks: DeadLetterHooks = {},
  ) {}

  /**
   * Writes the dead letter of a job that ran out of attempts, once: what was stored (the masked error
   * and its fingerprint), or undefined when the job is not finished or its letter already exists.
   */
  async record(job: Job, error: unknown | undefined, recordedBy = this.instanceId): Promise<RecordedLetter | undefined> {
    if (!job.finishedOn || !job.id) return undefined;
    // The error is stored masked (replay needs the data, never the error), and fingerprinted after
    // masking, so a secret in a message neither lands in the table nor in a group's name.
    const serialized = this.masker.value(error === undefined ? errorFromJob(job) : serializeError(error)) as SerializedError;
    const fingerprint = errorFingerprint(serialized);
    const rows = await this.db
      .insert(deadLetters)
      .values({
        queue: job.queueName,
        jobId: job.id,
        jobName: job.name,
        data: job.data ?? {},
        opts: job.opts ?? {},
        error: serialized,
        fingerprint,
        attemptsMade: job.attemptsMade,
        finishedOn: job.finishedOn,
        failedAt: new Date(job.finishedOn),
        recordedBy,
      })
      .onConflictDoNothing()
      .returning({ id: deadLetters.id });
    return rows.length > 0 ? { queue: job.queueName, jobId: job.id, error: serialized, fingerprint } : undefined;
  }

  private where(filter: DeadLetterFilter): SQL | undefined {
    const conditions: SQL[] = [];
    if (filter.queue) conditions.push(eq(deadLetters.queue, filter.queue));
    if (filter.status) conditions.push(eq(deadLetters.status, filter.status));
    if (filter.fingerprint) conditions.push(eq(deadLetters.fingerprint, filter.fingerprint));
    if (filter.from) conditions.push(gte(deadLetters.failedAt, filter.from));
    if (filter.to) conditions.push(lte(deadLetters.failedAt, filter.to));
    if (filter.q) {
      const pattern = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      conditions.push(sql`(${deadLetters.error}->>'message' ILIKE ${pattern} OR ${ilike(deadLetters.fingerprint, pattern)})`);
    }
    return conditions.length > 0 ? and(...conditions) : undefined;
  }

  async list(filter: DeadLetterFilter, page = 1, pageSize = 50): Promise<Page<DeadLetter>> {
    const size = Math.min(Math.max(1, pageSize), MAX_PAGE_SIZE);
    const where = this.where(filter);
    const [items, totals] = await Promise.all([
      this.db.select().from(deadLetters).where(where).orderBy(desc(deadLetters.failedAt), desc(deadLetters.id)).limit(size).offset((page - 1) * size),
      this.db.select({ n: count() }).from(deadLetters).where(where),
    ]);
    return { items, page, pageSize: size, total: totals[0]?.n ?? 0 };
  }

  async get(id: number): Promise<DeadLetter | undefined> {
    const rows = await this.db.select().from(deadLetters).where(eq(deadLetters.id, id)).limit(1);
    return rows[0];
  }

  async groups(filter: DeadLetterFilter, limit = 100): Promise<DeadLetterGroup[]> {
    const rows = await this.db
      .select({
        fingerprint: deadLetters.fingerprint,
        queue: deadLetters.queue,
        sample: sql<string>`min(${deadLetters.error}->>'message')`,
        count: count(),
        firstFailedAt: min(deadLetters.failedAt),
        lastFailedAt: max(deadLetters.failedAt),
      })
      .from(deadLetters)
      .where(this.where(filter))
      .groupBy(deadLetters.fingerprint, deadLetters.queue)
      .orderBy(desc(count()))
      .limit(Math.min(limit, MAX_PAGE_SIZE));
    return rows.map((r) => ({ ...r, sample: r.sample ?? '', firstFailedAt: r.firstFailedAt ?? new Date(0), lastFailedAt: r.lastFailedAt ?? new Date(0) }));
  }

  private selectionWhere(selection: DeadLetterSelection, status: DeadLetterStatus): SQL | undefined {
    if ('ids' in selection) return and(inArray(deadLetters.id, [...selection.ids]), eq(deadLetters.status, status));
    return this.where({ ...selection.filter, status });
  }

  /** How many letters in `status` a selection matches (what a replay or discard would consider). */
  async count(selection: DeadLetterSelection, status: DeadLetterStatus = 'dead'): Promise<number> {
    const rows = await this.db.select({ n: count() }).from(deadLetters).where(this.selectionWhere(selection, status));
    return rows[0]?.n ?? 0;
  }

  /**
   * Puts dead letters back on their original queues as new jobs with the original data, job id
   * `dead-letter-<id>`. The job is added first and the letter claimed (dead → replayed) second: a
   * crash between leaves the letter replayable and the job in the queue, where it claims the letter
   * itself when it starts; replaying again re-adds the same id, which BullMQ ignores. If the claim
   * finds the letter no longer dead (its original was retried, or another operator replayed or
   * discarded it), the added job is removed again, or, if it already started, it found the letter
   * taken and skipped its run.
   */
  async replay(selection: DeadLetterSelection, queueFor: (name: string) => Queue | undefined): Promise<ReplayOutcome> {
    const requested = 'ids' in selection ? [...selection.ids] : [];
    const candidates = await this.db
      .select({ id: deadLetters.id, queue: deadLetters.queue, jobName: deadLetters.jobName, data: deadLetters.data })
      .from(deadLetters)
      .where(this.selectionWhere(selection, 'dead'))
      .orderBy(deadLetters.id)
      .limit(MAX_BULK);
    const outcome: ReplayOutcome = { replayed: [], skipped: [] };
    for (const letter of candidates) {
      const queue = queueFor(letter.queue);
      if (!queue) {
        outcome.skipped.push(letter.id);
        continue;
      }
      const jobId = `dead-letter-${letter.id}`;
      await queue.add(letter.jobName, letter.data, { jobId });
      await this.hooks.betweenReplayAddAndClaim?.(letter.id, jobId);
      const claimed = await this.db
        .update(deadLetters)
        .set({ status: 'replayed', replayedAt: new Date(), replayJobId: jobId })
        .where(and(eq(deadLetters.id, letter.id), sql`(${deadLetters.status} = 'dead' OR (${deadLetters.status} = 'replayed' AND ${deadLetters.replayJobId} = ${jobId}))`))
        .returning({ id: deadLetters.id });
      if (claimed.length === 0) {
        // Taken meanwhile by a retry of the original or another operator: withdraw the copy.
        await queue.remove(jobId).catch(() => undefined);
        outcome.skipped.push(letter.id);
        continue;
      }
      outcome.replayed.push({ id: letter.id, queue: letter.queue, jobId });
    }
    const seen = new Set([...outcome.replayed.map((r) => r.id), ...outcome.skipped]);
    outcome.skipped.push(...requested.filter((id) => !seen.has(id)));
    return outcome;
  }

  /**
   * Whether `job` is a re-run of a failure (a replayed dead letter, or an original retried after its
   * final failure), which must `claimForRun` before it runs. Every other job runs at once, without an
   * await or a database call: this is asked for every attempt.
   */
  isRerun(job: Job): boolean {
    return REPLAY_JOB_ID.test(job.id ?? '') || (job.id !== undefined && isRetriedAfterFinalFailure(job));
  }

  /**
   * Called as a re-run (`isRerun`) starts: takes its letter's claim, or says the other re-run of the
   * same failure already has it.
   */
  async claimForRun(job: Job): Promise<RunClaim> {
    const replayOf = REPLAY_JOB_ID.exec(job.id ?? '')?.[1];
    if (replayOf) {
      const letterId = Number(replayOf);
      const claimed = await this.db
        .update(deadLetters)
        .set({ status: 'replayed', replayedAt: sql`coalesce(${deadLetters.replayedAt}, now())`, replayJobId: job.id! })
        .where(and(eq(deadLetters.id, letterId), sql`(${deadLetters.status} = 'dead' OR (${deadLetters.status} = 'replayed' AND ${deadLetters.replayJobId} = ${job.id!}))`))
        .returning({ id: deadLetters.id });
      if (claimed.length > 0) return { run: true };
      const letter = await this.get(letterId);
      // No letter at all (its row was deleted): nothing to keep in step with.
      return letter ? { run: false, reason: `dead letter ${letterId} is ${letter.status}` } : { run: true };
    }
    if (!job.id || !isRetriedAfterFinalFailure(job)) return { run: true };
    await this.db
      .update(deadLetters)
      .set({ status: 'retried', retriedAt: new Date() })
      .where(and(eq(deadLetters.queue, job.queueName), eq(deadLetters.jobId, job.id), eq(deadLetters.status, 'dead')));
    const replayed = await this.db
      .select({ id: deadLetters.id, replayJobId: deadLetters.replayJobId })
      .from(deadLetters)
      .where(and(eq(deadLetters.queue, job.queueName), eq(deadLetters.jobId, job.id), eq(deadLetters.status, 'replayed')))
      .limit(1);
    const [copy] = replayed;
    return copy ? { run: false, reason: `its dead letter ${copy.id} was already replayed as job ${copy.replayJobId}` } : { run: true };
  }

  /** Marks dead letters discarded. Returns the ids discarded. */
  async discard(selection: DeadLetterSelection): Promise<number[]> {
    const target = this.db
      .select({ id: deadLetters.id })
      .from(deadLetters)
      .where(this.selectionWhere(selection, 'dead'))
      .limit(MAX_BULK);
    const rows = await this.db
      .update(deadLetters)
      .set({ status: 'discarded', discardedAt: new Date() })
      .where(and(inArray(deadLetters.id, target), eq(deadLetters.status, 'dead')))
      .returning({ id: deadLetters.id });
    return rows.map((r) => r.id);
  }

  /**
   * Sweeps each queue's failed set (scored by finishedOn) from its watermark and records what is
   * missing. Bounded: RECONCILE_BATCH jobs a batch, RECONCILE_MAX_BATCHES batches a queue per call.
   */
  async reconcile(queues: readonly Queue[], redis: RedisClient, keys: BullpenKeys, onRecorded?: (letter: RecordedLetter) => void): Promise<number> {
    let recorded = 0;
    for (const queue of queues) {
      const watermark = Number((await redis.hget(keys.deadLetterWatermarks, queue.name)) ?? 0);
      let from = Math.max(0, watermark - RECONCILE_SKEW_MS);
      let highest = watermark;
      for (let batch = 0; batch < RECONCILE_MAX_BATCHES; batch++) {
        const ids = await redis.zrangebyscore(queue.keys.failed!, from, '+inf', 'WITHSCORES', 'LIMIT', 0, RECONCILE_BATCH);
        if (ids.length === 0) break;
        for (let i = 0; i < ids.length; i += 2) {
          const job = await queue.getJob(ids[i]!);
          const letter = job ? await this.record(job, undefined, `${this.instanceId}/reconciler`) : undefined;
          if (letter) {
            recorded += 1;
            this.log.warn({ queue: queue.name, jobId: letter.jobId }, 'dead letter recorded by the reconciler');
            onRecorded?.(letter);
          }
          highest = Math.max(highest, Number(ids[i + 1]));
        }
        if (ids.length < RECONCILE_BATCH * 2) break;
        // Exclusive lower bound; jobs sharing the same millisecond as the last one are re-read harmlessly.
        from = highest;
      }
      if (highest > watermark) await redis.hset(keys.deadLetterWatermarks, queue.name, String(highest));
    }
    return recorded;
  }
}
