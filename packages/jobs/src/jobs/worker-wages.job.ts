// Daily wages. One transaction: owners locked in id order, then a set-based insert of one payment per
// (worker, day), only for owners who can pay all their workers, with the gold moved from exactly the
// rows that insert returned (the unique key makes a rerun pay nobody twice). Workers paid today work;
// unpaid ones strike.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { defineJob } from '../definition.js';
import { QUEUE } from '../queue-names.js';
import { utcDay } from '../world/periods.js';
import { countsOf } from '../world/statements.js';

export const workerWages = defineJob({
  queue: QUEUE.workerWages,
  description: 'Owners pay their workers daily; unpaid workers strike',
  schedule: { pattern: '0 0 6 * * *', tz: 'UTC' },
  demoSchedule: { every: 120_000 },
  attempts: 3,
  timeoutMs: 5 * 60_000,
  input: z.object({}),
  async process(ctx) {
    const day = utcDay(ctx.job.scheduledAt);
    const counts = await ctx.db.transaction(async (tx) => {
      await tx.execute(sql`
        SELECT count(*) FROM (
          SELECT 1 FROM characters WHERE id IN (SELECT owner_id FROM properties) ORDER BY id FOR UPDATE) c`);
      const paid = await countsOf<'paid' | 'gold'>(tx, sql`
        WITH due AS (
          SELECT w.id AS worker_id, p.owner_id, w.wage
          FROM workers w JOIN properties p ON p.id = w.property_id
          WHERE p.owner_id IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM wage_payments x WHERE x.worker_id = w.id AND x.day = ${day.period})
        ),
        totals AS (SELECT owner_id, sum(wage) AS total FROM due GROUP BY owner_id),
        paid AS (
          INSERT INTO wage_payments (worker_id, day, owner_id, amount)
          SELECT d.worker_id, ${day.period}, d.owner_id, d.wage
          FROM due d JOIN totals t ON t.owner_id = d.owner_id JOIN characters c ON c.id = d.owner_id
          WHERE c.gold >= t.total
          ON CONFLICT DO NOTHING
          RETURNING owner_id, amount
        ),
        debit AS (
          UPDATE characters c SET gold = c.gold - s.total
          FROM (SELECT owner_id, sum(amount) AS total FROM paid GROUP BY owner_id) s WHERE c.id = s.owner_id RETURNING 1
        ),
        sink AS (
          UPDATE gold_accounts SET balance = balance + (SELECT coalesce(sum(amount), 0) FROM paid)
          WHERE account = 'wage_sink' RETURNING 1
        )
        SELECT count(*) AS paid, coalesce(sum(amount), 0) AS gold FROM paid`);
      const statuses = await countsOf<'striking' | 'returned'>(tx, sql`
        WITH changed AS (
          UPDATE workers w
          SET status = CASE WHEN EXISTS (SELECT 1 FROM wage_payments x WHERE x.worker_id = w.id AND x.day = ${day.period})
                            THEN 'working' ELSE 'striking' END
          WHERE w.status IS DISTINCT FROM
                CASE WHEN EXISTS (SELECT 1 FROM wage_payments x WHERE x.worker_id = w.id AND x.day = ${day.period})
                     THEN 'working' ELSE 'striking' END
          RETURNING w.status
        )
        SELECT count(*) FILTER (WHERE status = 'striking') AS striking, count(*) FILTER (WHERE status = 'working') AS returned
        FROM changed`);
      return { ...paid, ...statuses };
    });
    return {
      status: counts.paid === 0 && counts.striking === 0 && counts.returned === 0 ? 'skipped' : 'ok',
      summary: `${day.period}: ${counts.paid} wages paid (${counts.gold} gold); ${counts.striking} went on strike, ${counts.returned} back to work`,
      counts,
    };
  },
});
