import { outbox } from '@bullpen/db';
import { isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineJob } from '../definition.js';
import { useWorkerRuntime, waitFor } from '../../test/support.js';
import { writeOutbox } from './outbox.js';

const delivered: string[] = [];

const deliver = defineJob({
  queue: 'deliver',
  description: 'the follow-up work',
  timeoutMs: 2_000,
  input: z.object({ message: z.string() }),
  async process({ input }) {
    delivered.push(input.message);
    return { summary: 'delivered' };
  },
});

const announce = defineJob({
  queue: 'announce',
  description: 'changes the database and asks for follow-up work in the same transaction',
  timeoutMs: 2_000,
  input: z.object({ id: z.number().int() }),
  async process({ db, input, enqueueAfterCommit }) {
    await db.transaction(async (tx) => {
      await tx.execute(sql`SELECT 1`);
      await enqueueAfterCommit(tx, [{ queue: 'deliver', jobId: `deliver-${input.id}`, data: { message: `hello ${input.id}` } }]);
    });
    return { summary: 'announced' };
  },
});

describe('outbox', () => {
  const t = useWorkerRuntime('outbox', [deliver, announce]);

  const pending = () => t.database.db.select().from(outbox).where(isNull(outbox.relayedAt));

  it('enqueues follow-up work right after the job that committed it', async () => {
    await t.runtime.enqueue(announce.queue, { id: 1 });
    const job = await waitFor(() => t.runtime.queue(deliver.queue)!.getJob('deliver-1'), 5_000, 'the follow-up job');
    await job.waitUntilFinished(t.events, 5_000);
    expect(delivered).toEqual(['hello 1']);
    // The relay marks the row after adding the job, so the job can finish first: wait for the mark.
    await waitFor(async () => ((await pending()).length === 0 ? true : undefined), 5_000, 'the outbox row marked relayed');
    expect(delivered).toEqual(['hello 1']);
  });

  it('relays rows a crash left between commit and enqueue, once, however often the sweep runs', async () => {
    // As if a process committed these and died before relaying them.
    await t.database.db.transaction((tx) =>
      writeOutbox(tx, [
        { queue: 'deliver', jobId: 'deliver-2', data: { message: 'hello 2' } },
        { queue: 'deliver', jobId: 'deliver-3', data: { message: 'hello 3' } },
      ]),
    );
    // The same id twice in one transaction or across retries stays one row.
    await writeOutbox(t.database.db, [{ queue: 'deliver', jobId: 'deliver-2', data: { message: 'hello 2' } }]);
    expect(await pending()).toHaveLength(2);

    const sweeps = await Promise.all([t.runtime.relayOutbox(), t.runtime.relayOutbox(), t.runtime.relayOutbox()]);
    expect(sweeps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(2);
    await waitFor(() => delivered.length === 3, 5_000, 'both deliveries');
    expect(await pending()).toEqual([]);
    expect([...delivered].sort()).toEqual(['hello 1', 'hello 2', 'hello 3']);
    // Deterministic job ids: concurrent sweeps that both relayed a row made one job.
    expect(await t.runtime.queue(deliver.queue)!.getJobCountByTypes('completed', 'waiting', 'active', 'delayed')).toBe(3);
  });
});
