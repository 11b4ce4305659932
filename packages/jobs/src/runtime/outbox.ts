import { outbox, type Database } from '@bullpen/db';
import { asc, inArray, isNull, sql } from 'drizzle-orm';
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

/**
 * Moves committed outbox rows into BullMQ, oldest first, in bounded batches. Rows for queues this
 * instance does not know stay pending (a newer instance will relay them). Returns how many were relayed.
 */
export async function relayOutbox(
  db: Database,
  queueFor: (name: string) => Queue | undefined,
  { batchSize = 500, maxBatches = 20 }: RelayOptions = {},
): Promise<number> {
  let relayed = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const rows = await db
      .select()
      .from(outbox)
      .where(isNull(outbox.relayedAt))
      .orderBy(asc(outbox.id))
      .limit(batchSize);
    if (rows.length === 0) break;
    const done: number[] = [];
    const byQueue = new Map<string, typeof rows>();
    for (const row of rows) {
      if (!queueFor(row.queue)) continue;
      byQueue.set(row.queue, [...(byQueue.get(row.queue) ?? []), row]);
    }
    for (const [name, queueRows] of byQueue) {
      await queueFor(name)!.addBulk(
        queueRows.map((row) => ({ name: row.jobName, data: row.data, opts: { jobId: row.jobId } })),
      );
      done.push(...queueRows.map((r) => r.id));
    }
    if (done.length > 0) {
      await db.update(outbox).set({ relayedAt: sql`now()` }).where(inArray(outbox.id, done));
    }
    relayed += done.length;
    if (rows.length < batchSize || done.length === 0) break;
  }
  return relayed;
}
