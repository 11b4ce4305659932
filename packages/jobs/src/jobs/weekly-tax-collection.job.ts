// Bills every owned property once per ISO week. Each batch of properties (keyset by id) is one
// transaction: lock the batch's owners and factions in id order (so concurrent runs queue instead of
// deadlocking), then one statement inserts the bills with ON CONFLICT (property, period) DO NOTHING and
// moves gold only for the bills that statement actually inserted. A concurrent run, a retry after a
// crash, or a rerun finds the bills already there and moves nothing.
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
        await tx.execute(sql`
          SELECT (SELECT count(*) FROM (
                    SELECT 1 FROM characters WHERE id IN (
                      SELECT owner_id FROM properties WHERE id > ${after} ORDER BY id LIMIT ${batchSize})
                    ORDER BY id FOR UPDATE) c) AS owners,
                 (SELECT count(*) FROM (SELECT 1 FROM factions ORDER BY id FOR UPDATE) f) AS factions`);
        return countsOf<'last_id' | 'billed' | 'paid'>(tx, sql`
          WITH batch AS (
            SELECT p.id, p.owner_id, p.territory_id, (p.value::bigint * ${ratePercent}) / 100 AS amount
            FROM properties p WHERE p.id > ${after} ORDER BY p.id LIMIT ${batchSize}
          ),
          fresh AS (
            SELECT b.* FROM batch b
            WHERE b.owner_id IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM tax_bills t WHERE t.property_id = b.id AND t.period = ${week.period})
          ),
          dues AS (SELECT owner_id, sum(amount) AS total FROM fresh GROUP BY owner_id),
          billed AS (
            INSERT INTO tax_bills (property_id, owner_id, period, amount, status, due_at, paid_at)
            SELECT f.id, f.owner_id, ${week.period}, f.amount,
                   CASE WHEN c.gold >= d.total THEN 'paid' ELSE 'unpaid' END, ${dueAt},
                   CASE WHEN c.gold >= d.total THEN ${billedAt}::timestamptz END
            FROM fresh f JOIN dues d ON d.owner_id = f.owner_id JOIN characters c ON c.id = f.owner_id
            ORDER BY f.id
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
          SELECT (SELECT max(id) FROM batch) AS last_id,
                 (SELECT count(*) FROM billed) AS billed,
                 (SELECT count(*) FROM paid) AS paid`);
      });
      if (counts.last_id === 0) break;
      after = counts.last_id;
      totals.billed += counts.billed;
      totals.paid += counts.paid;
      totals.batches += 1;
      ctx.log.debug({ batch: totals.batches, lastId: after, billed: counts.billed, paid: counts.paid }, 'tax batch committed');
      await ctx.progress({ period: week.period, lastPropertyId: after, billed: totals.billed });
    }
    return {
      status: totals.billed === 0 ? 'skipped' : 'ok',
      summary: `${week.period}: billed ${totals.billed} properties, ${totals.paid} paid at once`,
      counts: totals,
    };
  },
});
