// Every five minutes, properties with healthy working workers produce goods for their owner and every
// worker's health drifts. The properties are cut into fixed id ranges; each range is one statement that
// claims (production-tick, slot, range) in the period ledger, upserts the owners' inventories from an
// aggregate, and updates the workers' health, all set-based: O(ranges) statements, never one per worker.
// A rerun or retry of the slot finds each range's claim and changes nothing.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { defineJob } from '../definition.js';
import { QUEUE } from '../queue-names.js';
import { slotOf } from '../world/periods.js';
import { mix } from '../world/random.js';
import { countsOf } from '../world/statements.js';

/** A worker at this health or more is healthy and produces one unit per tick. */
export const HEALTHY = 50;

export const productionTick = defineJob({
  queue: QUEUE.productionTick,
  description: 'Properties with healthy workers produce goods; worker health drifts',
  schedule: { pattern: '0 */5 * * * *', tz: 'UTC' },
  demoSchedule: { every: 60_000 },
  attempts: 3,
  timeoutMs: 5 * 60_000,
  input: z.object({
    /** Property ids per statement. */
    rangeSize: z.number().int().min(1).max(100_000).default(5_000),
  }),
  async process(ctx) {
    const { rangeSize } = ctx.input;
    const slot = slotOf(ctx.job.scheduledAt, 5);
    const { max_id: maxId } = await countsOf<'max_id'>(ctx.db, sql`SELECT coalesce(max(id), 0) AS max_id FROM properties`);
    const totals = { ranges: 0, claimed: 0, upserts: 0, workers: 0 };
    for (let low = 1; low <= maxId; low += rangeSize) {
      ctx.signal.throwIfAborted();
      const high = low + rangeSize;
      const counts = await countsOf<'claimed' | 'upserts' | 'workers'>(ctx.db, sql`
        WITH claim AS (
          INSERT INTO period_ledger (job, period, scope) VALUES (${QUEUE.productionTick}, ${slot.period}, ${`properties-${low}`})
          ON CONFLICT DO NOTHING RETURNING 1
        ),
        produced AS (
          INSERT INTO inventories (character_id, item, quantity)
          SELECT p.owner_id,
                 CASE p.kind WHEN 'farm' THEN 'grain' WHEN 'mine' THEN 'ore' WHEN 'mill' THEN 'timber' ELSE 'tools' END,
                 count(*)
          FROM workers w JOIN properties p ON p.id = w.property_id
          WHERE EXISTS (SELECT 1 FROM claim) AND p.id >= ${low} AND p.id < ${high}
            AND p.owner_id IS NOT NULL AND w.status = 'working' AND w.health >= ${HEALTHY}
          GROUP BY 1, 2
          ON CONFLICT (character_id, item) DO UPDATE SET quantity = inventories.quantity + excluded.quantity
          RETURNING 1
        ),
        drifted AS (
          UPDATE workers w SET health = least(100, greatest(0, w.health + (${mix('w.id', slot.index)} % 11)::int - 5))
          WHERE EXISTS (SELECT 1 FROM claim) AND w.property_id >= ${low} AND w.property_id < ${high}
          RETURNING 1
        )
        SELECT (SELECT count(*) FROM claim) AS claimed, (SELECT count(*) FROM produced) AS upserts,
               (SELECT count(*) FROM drifted) AS workers`);
      totals.ranges += 1;
      totals.claimed += counts.claimed;
      totals.upserts += counts.upserts;
      totals.workers += counts.workers;
    }
    ctx.log.debug({ slot: slot.period, ...totals }, 'production tick done');
    return {
      status: totals.claimed === 0 ? 'skipped' : 'ok',
      summary: `${slot.period}: ${totals.claimed}/${totals.ranges} ranges ticked, ${totals.workers} workers, ${totals.upserts} inventories grew`,
      counts: totals,
    };
  },
});
