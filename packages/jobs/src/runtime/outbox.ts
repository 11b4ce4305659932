/**
 * The outbox: jobs a transaction asked for, enqueued once it has committed.
 *
 * Row states: pending (relayed_at and relay_failed_at null) → relayed (relayed_at set; deleted by the
 * prune once older than the retention) or → refused (relay_failed_at set: BullMQ refused the job while
 * Redis answered; the relay stops trying it and reports it). A pending row for a queue this instance
 * does not know is skipped, not blocked on: its relay_error says why, and an instance whose registry
 * has the queue (a newer version during a deploy) still relays it.
 *
 * Concurrency: each batch is claimed with `FOR UPDATE SKIP LOCKED` in a transaction that commits after
 * the rows are enqueued, so concurrent relays (every instance's sweep, every job's relay after its
 * attempt) take disjoint rows instead of waiting on each other or enqueueing the same row twice. The
 * transaction only locks committed rows; deterministic job ids keep a relay that dies before its commit
 * from enqueueing a row twice when the next relay takes it again.
 */
import { outbox, type Database } from '@bullpen/db';
import { and, asc, eq, inArray, isNotNull, isNull, lt, notInArray, sql } from 'drizzle-orm';
import type { Queue } from 'bullmq';

/** Anything that can insert: the database or an open transaction on it. */
export type Executor = Pick<Database, 'insert'>;

export interface OutboxEntry {
  /** Queue name, from QUEUE. */
  queue: string;
  /** Deterministic id (e.g. `notification-123`), so a relay that runs twice enqueues once. No colons. */
  jobId: string;
  data: Record<string, unknown>;
}

/** Records jobs to enqueue after the surrounding transaction commits. Call it inside the transaction. */
export async function writeOutbox(tx: Executor, entries: readonly OutboxEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await tx
    .insert(outbox)
    .values(entries.map((e) => ({ queue: e.queue, jobId: e.jobId, jobName: e.queue, data: e.data })))
    .onConflictDoNothing();
}

export interface RelayOptions {
  batchSize?: number;
  maxBatches?: number;
}

export interface RelayResult {
  relayed: number;
  /** Rows BullMQ refused while Redis answered: marked and no longer tried. */
  refused: Array<{ id: number; queue: string; jobId: string; error: string }>;
}

type OutboxRow = typeof outbox.$inferSelect;

/** True when the queue's Redis answers, i.e. a failed add was about the job, not the connection. */
async function redisAnswers(queue: Queue): Promise<boolean> {
  try {
    // Any cheap read: BullMQ 6 does not expose the queue's client.
    await queue.isPaused();
    return true;
  } catch {
    return false;
  }
}

async function enqueueRows(queue: Queue, rows: OutboxRow[], refused: RelayResult['refused']): Promise<number[]> {
  const toJob = (row: OutboxRow) => ({ name: row.jobName, data: row.data, opts: { jobId: row.jobId } });
  try {
    await queue.addBulk(rows.map(toJob));
    return rows.map((r) => r.id);
  } catch (err) {
    // Redis down: nothing is marked; the rows stay pending for the next relay.
    if (!(await redisAnswers(queue))) throw err;
  }
  // Redis answers, so some row is bad: find which, one at a time, and let the others through.
  const done: number[] = [];
  for (const row of rows) {
    try {
      const { name, data, opts } = toJob(row);
      await queue.add(name, data, opts);
      done.push(row.id);
    } catch (err) {
      if (!(await redisAnswers(queue))) throw err;
      refused.push({ id: row.id, queue: row.queue, jobId: row.jobId, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return done;
}

/**
 * Moves committed outbox rows of the queues in `queues` into BullMQ, oldest first, in bounded batches
 * claimed with SKIP LOCKED. Rows of other queues are left for an instance that knows them.
 */
export async function relayOutbox(
  db: Database,
  queues: ReadonlyMap<string, Queue>,
  { batchSize = 500, maxBatches = 20 }: RelayOptions = {},
): Promise<RelayResult> {
  const result: RelayResult = { relayed: 0, refused: [] };
  const names = [...queues.keys()];
  if (names.length === 0) return result;
  for (let batch = 0; batch < maxBatches; batch++) {
    const selected = await db.transaction(async (tx) => {
      const rows = await tx
        .select()
        .from(outbox)
        .where(and(isNull(outbox.relayedAt), isNull(outbox.relayFailedAt), inArray(outbox.queue, names)))
        .orderBy(asc(outbox.id))
        .limit(batchSize)
        .for('update', { skipLocked: true });
      const byQueue = new Map<string, OutboxRow[]>();
      for (const row of rows) byQueue.set(row.queue, [...(byQueue.get(row.queue) ?? []), row]);
      const done: number[] = [];
      const refusedBefore = result.refused.length;
      for (const [name, queueRows] of byQueue) done.push(...(await enqueueRows(queues.get(name)!, queueRows, result.refused)));
      if (done.length > 0) await tx.update(outbox).set({ relayedAt: sql`now()` }).where(inArray(outbox.id, done));
      for (const bad of result.refused.slice(refusedBefore)) {
        await tx.update(outbox).set({ relayFailedAt: sql`now()`, relayError: bad.error.slice(0, 2_000) }).where(eq(outbox.id, bad.id));
      }
      result.relayed += done.length;
      return rows.length;
    });
    if (selected < batchSize) break;
  }
  return result;
}

export interface OutboxBacklog {
  /** Pending rows of queues this instance relays. */
  pending: number;
  /** Pending rows per queue that this instance's registry does not have. */
  unknownQueues: Record<string, number>;
  /** Rows BullMQ refused (relay_failed_at set). */
  refused: number;
}

/** What is waiting in the outbox, and what this instance cannot relay. Read-only (metrics read it on every scrape). */
export async function outboxBacklog(db: Database, knownQueues: readonly string[]): Promise<OutboxBacklog> {
  const rows = await db
    .select({ queue: outbox.queue, refused: sql<boolean>`${outbox.relayFailedAt} IS NOT NULL`, n: sql<number>`count(*)::int` })
    .from(outbox)
    .where(isNull(outbox.relayedAt))
    .groupBy(outbox.queue, sql`${outbox.relayFailedAt} IS NOT NULL`);
  const known = new Set(knownQueues);
  const backlog: OutboxBacklog = { pending: 0, unknownQueues: {}, refused: 0 };
  for (const row of rows) {
    if (row.refused) backlog.refused += row.n;
    else if (known.has(row.queue)) backlog.pending += row.n;
    else backlog.unknownQueues[row.queue] = row.n;
  }
  return backlog;
}

/**
 * Writes the reason into pending rows of queues this instance does not know (at most `limit` a call),
 * so whoever reads the table sees why they wait. They stay pending for an instance that knows the queue.
 */
export async function markUnknownQueueRows(db: Database, knownQueues: readonly string[], instanceId: string, limit = 1_000): Promise<number> {
  if (knownQueues.length === 0) return 0;
  const unmarked = db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(isNull(outbox.relayedAt), isNull(outbox.relayFailedAt), isNull(outbox.relayError), notInArray(outbox.queue, [...knownQueues])))
    .limit(limit);
  const rows = await db
    .update(outbox)
    .set({ relayError: sql`'no job type for queue "' || ${outbox.queue} || '" in the registry of instance ' || ${instanceId}` })
    .where(inArray(outbox.id, unmarked))
    .returning({ id: outbox.id });
  return rows.length;
}

export interface PruneOptions {
  /** Relayed rows older than this are deleted. */
  retentionMs: number;
  batchSize?: number;
  maxBatches?: number;
}

/** Deletes relayed rows older than the retention, in bounded batches. Returns how many were deleted. */
export async function pruneOutbox(db: Database, { retentionMs, batchSize = 1_000, maxBatches = 10 }: PruneOptions): Promise<number> {
  const cutoff = sql`now() - make_interval(secs => ${retentionMs / 1000})`;
  let deleted = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const oldest = db
      .select({ id: outbox.id })
      .from(outbox)
      .where(and(isNotNull(outbox.relayedAt), lt(outbox.relayedAt, cutoff)))
      .orderBy(asc(outbox.relayedAt))
      .limit(batchSize);
    const rows = await db.delete(outbox).where(inArray(outbox.id, oldest)).returning({ id: outbox.id });
    deleted += rows.length;
    if (rows.length < batchSize) break;
  }
  return deleted;
}
