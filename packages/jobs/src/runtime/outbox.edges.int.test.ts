// The outbox at its edges: rows the relay cannot enqueue, concurrent relays, and pruning.
import { outbox } from '@bullpen/db';
import { and, asc, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import pg from 'pg';
import { z } from 'zod';
import { beforeEach, describe, expect, it } from 'vitest';
import { defineJob } from '../definition.js';
import { useWorkerRuntime, waitFor } from '../../test/support.js';
import { writeOutbox } from './outbox.js';

const delivered: string[] = [];

const deliver = defineJob({
  queue: 'deliver-edges',
  description: 'the follow-up work',
  timeoutMs: 2_000,
  concurrency: 20,
  input: z.object({ n: z.number().int() }),
  async process({ job }) {
    delivered.push(job.id);
    return { summary: 'delivered' };
  },
});

describe('outbox edges', () => {
  const t = useWorkerRuntime('outbox-edges', [deliver], { outboxRetentionMs: 3_600_000 });
  const db = () => t.database.db;
  const rows = (n: number, queue: string, from = 0) =>
    Array.from({ length: n }, (_, i) => ({ queue, jobId: `${queue}-${from + i}`, data: { n: from + i } }));

  beforeEach(async () => {
    await db().delete(outbox);
    await t.runtime.queue(deliver.queue)!.pause();
    await t.runtime.queue(deliver.queue)!.obliterate({ force: true });
    await t.runtime.queue(deliver.queue)!.resume();
    delivered.length = 0;
  });

  it('relays past 600 pending rows of a queue it does not know, marks them with the reason and reports them', async () => {
    await writeOutbox(db(), rows(600, 'retired-or-newer'));
    await writeOutbox(db(), rows(3, deliver.queue));

    const sweep = await t.runtime.sweepOutbox();
    expect(sweep.relayed).toBe(3);
    await waitFor(() => delivered.length === 3, 5_000, 'the three deliveries');
    expect(sweep.backlog).toEqual({ pending: 0, unknownQueues: { 'retired-or-newer': 600 }, refused: 0 });
    // Still pending (an instance that knows the queue may relay them), but each says why it waits.
    const unknown = await db().select().from(outbox).where(eq(outbox.queue, 'retired-or-newer'));
    expect(unknown).toHaveLength(600);
    expect(unknown.filter((r) => r.relayedAt === null && r.relayFailedAt === null)).toHaveLength(600);
    expect(unknown.filter((r) => r.relayError?.includes('no job type for queue "retired-or-newer"'))).toHaveLength(600);
  });

  it('marks a row BullMQ refuses and relays the rest of its batch', async () => {
    await writeOutbox(db(), [...rows(2, deliver.queue), { queue: deliver.queue, jobId: 'bad:id', data: { n: 99 } }, ...rows(2, deliver.queue, 2)]);
    expect(await t.runtime.relayOutbox()).toBe(4);
    const [bad] = await db().select().from(outbox).where(eq(outbox.jobId, 'bad:id'));
    expect(bad).toMatchObject({ relayedAt: null, relayError: 'Custom Id cannot contain :' });
    expect(bad!.relayFailedAt).toBeInstanceOf(Date);
    // Not tried again.
    expect(await t.runtime.relayOutbox()).toBe(0);
    expect((await t.runtime.outboxBacklog()).refused).toBe(1);
  });

  it('skips rows another relay holds instead of waiting for them, and concurrent relays never relay a row twice', async () => {
    await writeOutbox(db(), rows(40, deliver.queue));
    const holder = new pg.Client({ connectionString: t.database.url });
    await holder.connect();
    try {
      // Another relay's transaction holds the ten oldest rows.
      await holder.query('BEGIN');
      const held = await holder.query<{ id: string }>(`SELECT id FROM outbox ORDER BY id LIMIT 10 FOR UPDATE`);
      expect(held.rows).toHaveLength(10);

      const started = performance.now();
      const counts = await Promise.all([t.runtime.relayOutbox(), t.runtime.relayOutbox(), t.runtime.relayOutbox()]);
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(30);
      const relayed = await db().select({ jobId: outbox.jobId }).from(outbox).where(isNotNull(outbox.relayedAt)).orderBy(asc(outbox.id));
      expect(relayed.map((r) => r.jobId)).toEqual(rows(30, deliver.queue, 10).map((r) => r.jobId));

      await holder.query('ROLLBACK');
    } finally {
      await holder.end();
    }
    expect(await t.runtime.relayOutbox()).toBe(10);
    await waitFor(() => delivered.length === 40, 10_000, 'forty deliveries');
    expect(new Set(delivered).size).toBe(40);
  });

  it('deletes relayed rows older than the retention in bounded batches, and keeps recent and pending ones', async () => {
    await writeOutbox(db(), rows(2_500, deliver.queue));
    await db().update(outbox).set({ relayedAt: sql`now() - interval '2 hours'` });
    await writeOutbox(db(), rows(5, deliver.queue, 10_000));
    await db().update(outbox).set({ relayedAt: sql`now() - interval '10 minutes'` }).where(and(isNull(outbox.relayedAt), sql`${outbox.jobId} LIKE ${deliver.queue + '-1000%'}`));
    await writeOutbox(db(), rows(3, deliver.queue, 20_000));

    const sweep = await t.runtime.sweepOutbox();
    expect(sweep.pruned).toBe(2_500);
    expect(sweep.relayed).toBe(3);
    const left = await db().select({ jobId: outbox.jobId }).from(outbox);
    expect(left).toHaveLength(8);
    expect((await t.runtime.sweepOutbox()).pruned).toBe(0);
  });
});
