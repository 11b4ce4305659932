// Hourly, every faction's influence decays by a percentage, never below a floor. One statement: the
// period-ledger claim for the hour and the update commit together, so the hour decays once.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { defineJob } from '../definition.js';
import { QUEUE } from '../queue-names.js';
import { slotOf } from '../world/periods.js';
import { countsOf } from '../world/statements.js';

export const influenceDecay = defineJob({
  queue: QUEUE.influenceDecay,
  description: 'Faction influence decays by a percentage each hour, not below a floor',
  schedule: { pattern: '0 0 * * * *', tz: 'UTC' },
  demoSchedule: { every: 60_000 },
  attempts: 3,
  timeoutMs: 30_000,
  input: z.object({
    percent: z.number().int().min(0).max(100).default(2),
    floor: z.number().int().min(0).default(100),
  }),
  async process(ctx) {
    const { percent, floor } = ctx.input;
    const hour = slotOf(ctx.job.scheduledAt, 60);
    const { claimed, decayed } = await countsOf<'claimed' | 'decayed'>(ctx.db, sql`
      WITH claim AS (
        INSERT INTO period_ledger (job, period) VALUES (${QUEUE.influenceDecay}, ${hour.period})
        ON CONFLICT DO NOTHING RETURNING 1
      ),
      decayed AS (
        UPDATE factions SET influence = greatest(${floor}::int, (influence * (100 - ${percent}::int)) / 100)
        WHERE EXISTS (SELECT 1 FROM claim) AND influence > ${floor}::int
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM claim) AS claimed, (SELECT count(*) FROM decayed) AS decayed`);
    return {
      status: claimed === 0 ? 'skipped' : 'ok',
      summary: claimed === 0 ? `${hour.period} already decayed` : `${hour.period}: ${decayed} factions lost ${percent}% influence`,
      counts: { decayed },
    };
  },
});
