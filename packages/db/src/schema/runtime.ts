import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/** What the runtime knows of a serialized error: see serializeError in @bullpen/jobs. */
export interface SerializedErrorRecord {
  name: string;
  message: string;
  stack?: string | undefined;
  code?: string | undefined;
  cause?: SerializedErrorRecord | undefined;
}

/**
 * dead: replayable · replayed: put back on its queue as `dead-letter-<id>` · retried: its original job was
 * retried in BullMQ (API or Bull Board), so replaying it too would run it twice · discarded.
 */
export type DeadLetterStatus = 'dead' | 'replayed' | 'retried' | 'discarded';

/**
 * One row per job that ran out of attempts. The unique key (queue, job id, finished-on) makes the
 * write idempotent: the worker's failed handler and the reconciler may both try, and one row results.
 */
export const deadLetters = pgTable(
  'dead_letters',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    queue: text('queue').notNull(),
    jobId: text('job_id').notNull(),
    jobName: text('job_name').notNull(),
    data: jsonb('data').notNull(),
    opts: jsonb('opts').notNull(),
    error: jsonb('error').$type<SerializedErrorRecord>().notNull(),
    fingerprint: text('fingerprint').notNull(),
    attemptsMade: integer('attempts_made').notNull(),
    /** BullMQ's finishedOn for the final failure, in ms since the epoch. */
    finishedOn: bigint('finished_on', { mode: 'number' }).notNull(),
    failedAt: timestamp('failed_at', { withTimezone: true, mode: 'date' }).notNull(),
    recordedBy: text('recorded_by').notNull(),
    status: text('status').$type<DeadLetterStatus>().notNull().default('dead'),
    replayedAt: timestamp('replayed_at', { withTimezone: true, mode: 'date' }),
    replayJobId: text('replay_job_id'),
    discardedAt: timestamp('discarded_at', { withTimezone: true, mode: 'date' }),
    retriedAt: timestamp('retried_at', { withTimezone: true, mode: 'date' }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
  },
  (t) => [
    uniqueIndex('dead_letters_job_uq').on(t.queue, t.jobId, t.finishedOn),
    index('dead_letters_queue_failed_idx').on(t.queue, t.failedAt),
    index('dead_letters_fingerprint_idx').on(t.fingerprint),
    index('dead_letters_status_idx').on(t.status, t.failedAt),
  ],
);

/**
 * Jobs to enqueue once the transaction that wrote them commits. A job that writes to the database and
 * needs follow-up work inserts here inside its transaction; the runtime relays rows to BullMQ after
 * commit and a periodic sweep relays what a crash left behind. Deterministic job ids make the relay
 * idempotent, so no `queue.add()` ever runs inside an open transaction and nothing is lost between.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    queue: text('queue').notNull(),
    jobId: text('job_id').notNull(),
    jobName: text('job_name').notNull(),
    data: jsonb('data').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
    relayedAt: timestamp('relayed_at', { withTimezone: true, mode: 'date' }),
    /** Why the relay could not enqueue this row (unknown queue, or BullMQ refused the job while Redis answered). */
    relayError: text('relay_error'),
    /** Set when BullMQ refused the row: the relay stops trying it; an operator decides. */
    relayFailedAt: timestamp('relay_failed_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    uniqueIndex('outbox_job_uq').on(t.queue, t.jobId),
    index('outbox_pending_idx').on(t.queue, t.id).where(sql`relayed_at IS NULL AND relay_failed_at IS NULL`),
    index('outbox_relayed_idx').on(t.relayedAt).where(sql`relayed_at IS NOT NULL`),
  ],
);
