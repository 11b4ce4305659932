// Hourly, every territory pays its income into its faction's treasury (minted: the mint account goes
// down by as much). One statement: the payouts' unique key (territory, hour) decides who is paid, and
// the treasuries and the mint move by exactly what that insert returned.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { defineJob } from '../definition.js';
import { QUEUE } from '../queue-names.js';
import { slotOf } from '../world/periods.js';
import { countsOf } from '../world/statements.js';

export const territoryIncome = defineJob({
  queue: QUEUE.territoryIncome,
  description: "Territories pay their faction's treasury once per hour",
  schedule: { pattern: '0 0 * * * *', tz: 'UTC' },
  demoSchedule: { every: 60_000 },
  attempts: 3,
  timeoutMs: 60_000,
  input: z.object({}),
  async process(ctx) {
    const hour = slotOf(ctx.job.scheduledAt, 60);
    const { paid, gold } = await countsOf<'paid' | 'gold'>(ctx.db, sql`
      WITH paid AS (
        INSERT INTO territory_payouts (territory_id, hour, faction_id, amount)
        SELECT id, ${hour.start}, faction_id, income_per_hour FROM territories
        ON CONFLICT DO NOTHING
        RETURNING faction_id, amount
      ),
      credit AS (
        UPDATE factions f SET treasury = f.treasury + s.total
        FROM (SELECT faction_id, sum(amount) AS total FROM paid GROUP BY faction_id) s
        WHERE f.id = s.faction_id RETURNING 1
      ),
      minted AS (
        UPDATE gold_accounts SET balance = balance - (SELECT coalesce(sum(amount), 0) FROM paid)
        WHERE account = 'mint' RETURNING 1
      )
      SELECT count(*) AS paid, coalesce(sum(amount), 0) AS gold FROM paid`);
    return {
      status: paid === 0 ? 'skipped' : 'ok',
      summary: `${hour.period}: ${paid} territories paid ${gold} gold`,
      counts: { paid, gold },
    };
  },
});
