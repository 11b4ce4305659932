// Hot gossip spreads to characters in territories where someone already knew it before this slot,
// with a chance in percent equal to its heat; then, once per slot, all gossip cools. Characters are
// walked by keyset pagination (id > last seen, bounded batch), each batch is one short transaction
// with a statement timeout, the signal is checked between batches, and the run stops at a time budget
// (status `partial`). Nothing but counters lives in Node, so memory stays flat as the world grows.
// Reruns of a slot add nothing: sources are knowers from before the slot, the chance is a fixed hash
// of (character, gossip, slot), and cooling is claimed once in the period ledger.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { defineJob } from '../definition.js';
import { QUEUE } from '../queue-names.js';
import { slotOf } from '../world/periods.js';
import { mix } from '../world/random.js';
import { countsOf } from '../world/statements.js';

export const gossipSpread = defineJob({
  queue: QUEUE.gossipSpread,
  description: 'Hot gossip spreads to characters nearby, then cools',
  schedule: { pattern: '0 */10 * * * *', tz: 'UTC' },
  demoSchedule: { every: 90_000 },
  attempts: 3,
  timeoutMs: 5 * 60_000,
  input: z.object({
    batchSize: z.number().int().min(1).max(10_000).default(1_000),
    /** Statement timeout of each batch. */
    batchTimeoutMs: z.number().int().min(100).max(60_000).default(5_000),
    /** Past this, the run stops after its current batch and reports `partial`. */
    maxRunMs: z.number().int().min(100).max(30 * 60_000).default(120_000),
    /** Gossip at this heat or more spreads. */
    hotAt: z.number().int().min(1).max(100).default(30),
    /** Heat lost per slot. */
    cooling: z.number().int().min(0).max(100).default(10),
  }),
  async process(ctx) {
    const { batchSize, batchTimeoutMs, maxRunMs, hotAt, cooling } = ctx.input;
    const slot = slotOf(ctx.job.scheduledAt, 10);
    const started = performance.now();
    const totals = { batches: 0, characters: 0, learned: 0, cooled: 0 };
    let after = 0;
    for (;;) {
      ctx.signal.throwIfAborted();
      if (performance.now() - started > maxRunMs) {
        ctx.log.warn({ lastCharacterId: after, ...totals }, 'gossip spread stopped at its time budget');
        return { status: 'partial', summary: `stopped at character ${after} after ${totals.batches} batches; the next run starts over`, counts: totals };
      }
      const counts = await ctx.db.transaction(async (tx) => {
        await tx.execute(sql.raw(`SET LOCAL statement_timeout = ${batchTimeoutMs}`));
        return countsOf<'last_id' | 'characters' | 'learned'>(tx, sql`
          WITH batch AS (
            SELECT id, territory_id FROM characters WHERE id > ${after} ORDER BY id LIMIT ${batchSize}
          ),
          learned AS (
            INSERT INTO gossip_knowers (gossip_id, character_id, territory_id, learned_at)
            SELECT g.id, c.id, c.territory_id, ${slot.start}
            FROM batch c JOIN gossip g ON g.heat >= ${hotAt}
            WHERE ${mix(sql`${mix('c.id', slot.index)} # g.id`, slot.index)} % 100 < g.heat
              AND EXISTS (
                SELECT 1 FROM gossip_knowers k
                WHERE k.gossip_id = g.id AND k.territory_id = c.territory_id AND k.learned_at < ${slot.start})
            ON CONFLICT DO NOTHING
            RETURNING 1
          )
          SELECT (SELECT max(id) FROM batch) AS last_id, (SELECT count(*) FROM batch) AS characters,
                 (SELECT count(*) FROM learned) AS learned`);
      });
      if (counts.characters === 0) break;
      after = counts.last_id;
      totals.batches += 1;
      totals.characters += counts.characters;
      totals.learned += counts.learned;
      ctx.log.debug({ batch: totals.batches, lastCharacterId: after, learned: counts.learned }, 'gossip batch committed');
      await ctx.progress({ lastCharacterId: after, learned: totals.learned });
    }
    ctx.signal.throwIfAborted();
    const { cooled } = await countsOf<'cooled'>(ctx.db, sql`
      WITH claim AS (
        INSERT INTO period_ledger (job, period, scope) VALUES (${QUEUE.gossipSpread}, ${slot.period}, 'cooling')
        ON CONFLICT DO NOTHING RETURNING 1
      ),
      cooled AS (
        UPDATE gossip SET heat = greatest(0, heat - ${cooling})
        WHERE EXISTS (SELECT 1 FROM claim) AND heat > 0 RETURNING 1
      )
      SELECT count(*) AS cooled FROM cooled`);
    totals.cooled = cooled;
    return {
      status: totals.learned === 0 && cooled === 0 ? 'skipped' : 'ok',
      summary: `${slot.period}: ${totals.learned} characters heard gossip; ${cooled} items cooled`,
      counts: totals,
    };
  },
});
