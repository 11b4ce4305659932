// Once per day (claimed in the period ledger, in the same transaction as the effects): overdue bills
// whose owner can now pay everything overdue are collected, the rest gain a penalty, and owners with
// too many overdue bills lose those properties (repossessed, bills written off).
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { defineJob } from '../definition.js';
import { QUEUE } from '../queue-names.js';
import { utcDay } from '../world/periods.js';
import { countsOf } from '../world/statements.js';

export const taxDelinquency = defineJob({
  queue: QUEUE.taxDelinquency,
  description: 'Overdue tax bills are collected or penalized; repeated delinquency repossesses',
  schedule: { pattern: '0 30 4 * * *', tz: 'UTC' },
  demoSchedule: { every: 120_000 },
  attempts: 3,
  timeoutMs: 5 * 60_000,
  input: z.object({
    /** Daily penalty in percent of the bill's amount (at least 1 gold). */
    penaltyPercent: z.number().int().min(0).max(100).default(5),
    /** Overdue bills at which an owner's delinquent properties are repossessed. */
    repossessAt: z.number().int().min(1).max(100).default(3),
  }),
  async process(ctx) {
    const { penaltyPercent, repossessAt } = ctx.input;
    const day = utcDay(ctx.job.scheduledAt);
    const counts = await ctx.db.transaction(async (tx) => {
      const claim = await countsOf<'claimed'>(tx, sql`
        WITH claim AS (
          INSERT INTO period_ledger (job, period) VALUES (${QUEUE.taxDelinquency}, ${day.period})
          ON CONFLICT DO NOTHING RETURNING 1
        )
        SELECT count(*) AS claimed FROM claim`);
      if (claim.claimed === 0) return null;
      // Owners first, then the factions, each in id order, as weekly tax locks them: a concurrent tax run
      // queues behind us instead of deadlocking (the credit below would lock factions in any order).
      await tx.execute(sql`
        SELECT count(*) FROM (
          SELECT 1 FROM characters WHERE id IN (
            SELECT owner_id FROM tax_bills WHERE status = 'unpaid' AND due_at <= ${day.start})
          ORDER BY id FOR UPDATE) c`);
      await tx.execute(sql`SELECT 1 FROM factions ORDER BY id FOR UPDATE`);
      const collected = await countsOf<'collected'>(tx, sql`
        WITH overdue AS (
          SELECT b.id, b.owner_id, b.amount + b.penalty AS total, t.faction_id
          FROM tax_bills b JOIN properties p ON p.id = b.property_id JOIN territories t ON t.id = p.territory_id
          WHERE b.status = 'unpaid' AND b.due_at <= ${day.start}
        ),
        owed AS (SELECT owner_id, sum(total) AS total FROM overdue GROUP BY owner_id),
        paid AS (
          UPDATE tax_bills b SET status = 'paid', paid_at = ${day.start}
          FROM overdue o JOIN owed w ON w.owner_id = o.owner_id JOIN characters c ON c.id = o.owner_id
          WHERE b.id = o.id AND b.status = 'unpaid' AND c.gold >= w.total
          RETURNING b.owner_id, o.total, o.faction_id
        ),
        debit AS (
          UPDATE characters c SET gold = c.gold - s.total
          FROM (SELECT owner_id, sum(total) AS total FROM paid GROUP BY owner_id) s WHERE c.id = s.owner_id RETURNING 1
        ),
        credit AS (
          UPDATE factions f SET treasury = f.treasury + s.total
          FROM (SELECT faction_id, sum(total) AS total FROM paid GROUP BY faction_id) s WHERE f.id = s.faction_id RETURNING 1
        )
        SELECT count(*) AS collected FROM paid`);
      const penalized = await countsOf<'penalized'>(tx, sql`
        WITH penalized AS (
          UPDATE tax_bills SET penalty = penalty + greatest(1, (amount * ${penaltyPercent}) / 100)
          WHERE status = 'unpaid' AND due_at <= ${day.start} RETURNING 1
        )
        SELECT count(*) AS penalized FROM penalized`);
      const repossessed = await countsOf<'repossessed' | 'written_off'>(tx, sql`
        WITH delinquent AS (
          SELECT owner_id FROM tax_bills WHERE status = 'unpaid' AND due_at <= ${day.start}
          GROUP BY owner_id HAVING count(*) >= ${repossessAt}
        ),
        written_off AS (
          UPDATE tax_bills SET status = 'written_off'
          WHERE status = 'unpaid' AND due_at <= ${day.start} AND owner_id IN (SELECT owner_id FROM delinquent)
          RETURNING property_id, owner_id
        ),
        repossessed AS (
          UPDATE properties p SET owner_id = NULL
          WHERE p.id IN (SELECT property_id FROM written_off) AND p.owner_id IN (SELECT owner_id FROM delinquent)
          RETURNING 1
        )
        SELECT (SELECT count(*) FROM repossessed) AS repossessed, (SELECT count(*) FROM written_off) AS written_off`);
      return { ...collected, ...penalized, ...repossessed };
    });
    if (counts === null) return { status: 'skipped', summary: `${day.period} already done`, counts: {} };
    return {
      summary: `${day.period}: ${counts.collected} overdue bills collected, ${counts.penalized} penalized, ${counts.repossessed} properties repossessed`,
      counts,
    };
  },
});
