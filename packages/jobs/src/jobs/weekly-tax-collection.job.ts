// Bills every owned property once per ISO week. Work goes owner by owner (keyset on character id, a
// batch of characters per transaction): lock the batch's characters in id order, then one statement
// inserts the bills for all of those owners' properties with ON CONFLICT (property, period) DO NOTHING
// and debits the owners only for the bills that statement actually inserted; last, the factions are
// locked in id order and credited what was paid. A concurrent run, a retry after a crash, or a rerun
// finds the bills already there and moves nothing. An owner who can afford the whole week's bill pays
// it at once.
//
// Why by owner and not by property: properties are spread over their owners at random, so a batch of
// 5,000 properties by id touched about 4,900 owners, and each owner was locked and debited again in
// every batch that held one of their properties: about 1,000,000 character row updates for 1,000,000
// properties instead of one per owner (200,000). On one copy of a 1,000,000-property world (PostgreSQL
// 15, 2026-11-29) weekly tax took 35.3 s by property and 22.7 s by owner. Most of what is left is the
// insert itself: 1,000,000 bills in one bare INSERT … SELECT take 15.2 s on that machine, 9 s of it in
// the two foreign-key checks per row (6.1 s without them).
//
// Why lanes: that insert is CPU-bound in one PostgreSQL backend, so the owners are split into `lanes`
// contiguous id ranges billed side by side, each on its own connection. On the same 1M copy, with the
// server on 2 cores, runs alternating: one lane 22.5 and 24.2 s, two lanes 15.8 and 18.0 s (a first
// cut measured three lanes at 16.9 s and four at 19.4 s: more lanes than cores only contend). On
// PGlite, one connection, the lanes take turns. Lanes never wait for each other's characters (their
// ranges are disjoint); they meet only at the factions, which each batch locks for the few
// milliseconds between its insert and its commit (they used to be locked for the whole batch).
//
// Only repossession changes a property's owner (to none), and it locks the owner first. A property
// moved during a run to an owner the run has already passed would be billed by the next run of the week.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { defineJob } from '../definition.js';
import { QUEUE } from '../queue-names.js';
import { isoWeek } from '../world/periods.js';
import { countsOf, rowsOf } from '../world/statements.js';

const DAY_MS = 86_400_000;

export const weeklyTaxCollection = defineJob({
  queue: QUEUE.weeklyTaxCollection,
  description: 'Bill every property for the ISO week; owners who can afford the week pay at once',
  schedule: { pattern: '0 0 3 * * 1', tz: 'UTC' },
  demoSchedule: { every: 120_000 },
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
  timeoutMs: 10 * 60_000,
  input: z.object({
    /**
     * Characters per batch: each batch is one transaction that bills all of their properties. 5,000
     * holds their locks about half a second; each batch also costs ~30 ms of its own (planning, the
     * factions' locks, the commit), so 1M properties took 27.2 s in batches of 1,000 and 22.7 s in
     * batches of 5,000 (bench/world.bench.ts).
     */
    batchSize: z.number().int().min(1).max(20_000).default(5_000),
    /** Owner ranges billed side by side, one connection each: best at the database server's cores. */
    lanes: z.number().int().min(1).max(8).default(2),
    /** Weekly tax as a percentage of a property's value. */
    ratePercent: z.number().int().min(0).max(100).default(2),
  }),
  async process(ctx) {
    const { batchSize, lanes, ratePercent } = ctx.input;
    const week = isoWeek(ctx.job.scheduledAt);
    const dueAt = new Date(week.end.getTime() + 7 * DAY_MS);
    const billedAt = ctx.job.scheduledAt;
    const totals = { billed: 0, paid: 0, batches: 0 };

    /** One batch: the next `batchSize` owners after `after` (at most `upTo`), or null when there are none. */
    const billBatch = (after: number, upTo: number | null) =>
      ctx.db.transaction(async (tx) => {
        const { last_owner: last } = await countsOf<'last_owner'>(tx, sql`
          SELECT max(id) AS last_owner
          FROM (SELECT id FROM characters WHERE id > ${after} ${upTo === null ? sql`` : sql`AND id <= ${upTo}`}
                ORDER BY id LIMIT ${batchSize} FOR UPDATE) c`);
        if (last === 0) return null;
        // The owner range is given as bounds, not joined from the locked set: with a join, the planner
        // may walk the owner index from its start in every batch.
        const rows = await rowsOf(tx, sql`
          WITH batch AS (
            SELECT p.id, p.owner_id, p.territory_id, (p.value::bigint * ${ratePercent}) / 100 AS amount
            FROM properties p
            WHERE p.owner_id > ${after} AND p.owner_id <= ${last}
              AND NOT EXISTS (SELECT 1 FROM tax_bills t WHERE t.property_id = p.id AND t.period = ${week.period})
          ),
          dues AS (SELECT owner_id, sum(amount) AS total FROM batch GROUP BY owner_id),
          billed AS (
            INSERT INTO tax_bills (property_id, owner_id, period, amount, status, due_at, paid_at)
            SELECT b.id, b.owner_id, ${week.period}, b.amount,
                   CASE WHEN c.gold >= d.total THEN 'paid' ELSE 'unpaid' END, ${dueAt},
                   CASE WHEN c.gold >= d.total THEN ${billedAt}::timestamptz END
            FROM batch b JOIN dues d ON d.owner_id = b.owner_id JOIN characters c ON c.id = b.owner_id
            ORDER BY b.id
            ON CONFLICT (property_id, period) DO NOTHING
            RETURNING property_id, owner_id, amount, status
          ),
          paid AS (
            SELECT b.owner_id, b.amount, t.faction_id
            FROM billed b JOIN batch p ON p.id = b.property_id JOIN territories t ON t.id = p.territory_id
            WHERE b.status = 'paid'
          ),
          debit AS (
            UPDATE characters c SET gold = c.gold - s.total
            FROM (SELECT owner_id, sum(amount) AS total FROM paid GROUP BY owner_id) s
            WHERE c.id = s.owner_id RETURNING 1
          )
          -- debit runs although nothing reads it: PostgreSQL always completes modifying CTEs.
          SELECT (SELECT count(*) FROM billed) AS billed, (SELECT count(*) FROM paid) AS paid,
                 (SELECT coalesce(json_agg(json_build_object('faction', faction_id, 'total', total)), '[]')
                  FROM (SELECT faction_id, sum(amount) AS total FROM paid WHERE faction_id IS NOT NULL GROUP BY faction_id) f) AS credits`);
        const row = rows[0] ?? {};
        const credits = (typeof row.credits === 'string' ? JSON.parse(row.credits) : row.credits) as Array<{ faction: number; total: number }>;
        if (credits.length > 0) {
          // In id order, so that lanes and concurrent runs queue here instead of deadlocking.
          await tx.execute(sql`SELECT 1 FROM factions ORDER BY id FOR UPDATE`);
          await tx.execute(sql`
            UPDATE factions f SET treasury = f.treasury + c.total
            FROM jsonb_to_recordset(${JSON.stringify(credits)}::jsonb) AS c(faction int, total bigint)
            WHERE f.id = c.faction`);
        }
        return { billed: Number(row.billed ?? 0), paid: Number(row.paid ?? 0), last };
      });

    /** Bills the owners in (after, upTo], batch by batch; stops between batches on abort or another lane's failure. */
    const stop = new AbortController();
    const billRange = async (after: number, upTo: number | null) => {
      for (;;) {
        ctx.signal.throwIfAborted();
        if (stop.signal.aborted) return;
        const counts = await billBatch(after, upTo);
        if (counts === null) return;
        after = counts.last;
        totals.billed += counts.billed;
        totals.paid += counts.paid;
        totals.batches += 1;
        ctx.log.debug({ batch: totals.batches, lastOwnerId: after, billed: counts.billed, paid: counts.paid }, 'tax batch committed');
        await ctx.progress({ period: week.period, billed: totals.billed, batches: totals.batches });
      }
    };

    const { lo, hi } = await countsOf<'lo' | 'hi'>(ctx.db, sql`SELECT coalesce(min(id), 1) AS lo, coalesce(max(id), 0) AS hi FROM characters`);
    const span = Math.max(1, Math.ceil((hi - lo + 1) / lanes));
    // The last lane has no upper bound: characters created during the run are billed too.
    const ranges = Array.from({ length: lanes }, (_, i) => [lo - 1 + i * span, i === lanes - 1 ? null : lo - 1 + (i + 1) * span] as const);
    // Every lane has stopped before the run settles, so a retry never overlaps a lane still billing.
    const outcomes = await Promise.allSettled(
      ranges.map(([after, upTo]) =>
        billRange(after, upTo).catch((err: unknown) => {
          stop.abort();
          throw err;
        }),
      ),
    );
    const failed = outcomes.find((o) => o.status === 'rejected');
    if (failed) throw failed.reason;
    return {
      status: totals.billed === 0 ? 'skipped' : 'ok',
      summary: `${week.period}: billed ${totals.billed} properties, ${totals.paid} paid at once`,
      counts: totals,
    };
  },
});
