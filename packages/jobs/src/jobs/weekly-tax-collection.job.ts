// Bills every owned property once per ISO week. Work goes owner by owner (keyset on character id, a
// batch of characters per transaction): lock the batch's characters and the factions in id order (so
// concurrent runs queue instead of deadlocking), then one statement inserts the bills for all of those
// owners' properties with ON CONFLICT (property, period) DO NOTHING and moves gold only for the bills that
// statement actually inserted. A concurrent run, a retry after a crash, or a rerun finds the bills
// already there and moves nothing. An owner who can afford the whole week's bill pays it at once.
//
// Why by owner and not by property: properties are spread over their owners at random, so a batch of
// 5,000 properties by id touched about 4,900 owners, and each owner was locked and debited again in
// every batch that held one of their properties: about 1,000,000 character row updates for 1,000,000
// properties instead of one per owner (200,000). On one copy of a 1,000,000-property world (PostgreSQL
// 15, 2026-11-29) weekly tax took 35.3 s by property and 22.7 s by owner; bench/world.bench.ts then
// printed 23.7 s, 10.5× its 100,000-property run (it grew 18.9× before). Most of what is left is the
// insert itself: 1,000,000 bills in one bare INSERT … SELECT take 15.2 s on that machine, 9 s of it in
// the two foreign-key checks per row (6.1 s without them).
//
// Only repossession changes a property's owner (to none), and it locks the owner first. A property
// moved during a run to an owner the run has already passed would be billed by the next run of the week.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { defineJob } from '../definition.js';
import { QUEUE } from '../queue-names.js';
import { isoWeek } from '../world/periods.js';
import { countsOf } from '../world/statements.js';

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
    /** Weekly tax as a percentage of a property's value. */
    ratePercent: z.number().int().min(0).max(100).default(2),
  }),
  async process(ctx) {
    const { batchSize, ratePercent } = ctx.input;
    const week = isoWeek(ctx.job.scheduledAt);
    const dueAt = new Date(week.end.getTime() + 7 * DAY_MS);
    const billedAt = ctx.job.scheduledAt;
    const totals = { billed: 0, paid: 0, batches: 0 };
    let after = 0;
    for (;;) {
      ctx.signal.throwIfAborted();
      const counts = await ctx.db.transaction(async (tx) => {
        const { last_owner: last } = await countsOf<'last_owner'>(tx, sql`
          SELECT max(id) AS last_owner,
                 (SELECT count(*) FROM (SELECT 1 FROM factions ORDER BY id FOR UPDATE) f) AS factions
          FROM (SELECT id FROM characters WHERE id > ${after} ORDER BY id LIMIT ${batchSize} FOR UPDATE) c`);
        if (last === 0) return null;
        // The owner range is given as bounds, not joined from the locked set: with a join, the planner
        // may walk the owner index from its start in every batch.
        const billed = await countsOf<'billed' | 'paid'>(tx, sql`
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
          ),
          credit AS (
            UPDATE factions f SET treasury = f.treasury + s.total
            FROM (SELECT faction_id, sum(amount) AS total FROM paid GROUP BY faction_id) s
            WHERE f.id = s.faction_id RETURNING 1
          )
          -- debit and credit run although nothing reads them: PostgreSQL always completes modifying CTEs.
          SELECT (SELECT count(*) FROM billed) AS billed, (SELECT count(*) FROM paid) AS paid`);
        return { ...billed, last };
      });
      if (counts === null) break;
      after = counts.last;
      totals.billed += counts.billed;
      totals.paid += counts.paid;
      totals.batches += 1;
      ctx.log.debug({ batch: totals.batches, lastOwnerId: after, billed: counts.billed, paid: counts.paid }, 'tax batch committed');
      await ctx.progress({ period: week.period, lastOwnerId: after, billed: totals.billed });
    }
    return {
      status: totals.billed === 0 ? 'skipped' : 'ok',
      summary: `${week.period}: billed ${totals.billed} properties, ${totals.paid} paid at once`,
      counts: totals,
    };
  },
});
