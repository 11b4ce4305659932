// Resolves wars past their end, highest priority of all types. Each batch claims active wars
// (active → resolved, FOR UPDATE SKIP LOCKED), hands the contested territory to the winner and writes
// the notifications to the outbox, all in one transaction: a resolved war is never claimed again.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { defineJob } from '../definition.js';
import { QUEUE } from '../queue-names.js';
import { enqueueNotifications } from '../world/notify.js';
import { idsAndCounts } from '../world/statements.js';

export const warResolution = defineJob({
  queue: QUEUE.warResolution,
  description: 'Resolve wars past their end: winner by score, territory changes hands, leaders notified',
  schedule: { pattern: '0 */5 * * * *', tz: 'UTC' },
  demoSchedule: { every: 60_000 },
  // Ahead of every other type when the workers are saturated.
  priority: 1,
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000 },
  timeoutMs: 60_000,
  input: z.object({
    batchSize: z.number().int().min(1).max(1_000).default(100),
    maxBatches: z.number().int().min(1).max(100).default(10),
  }),
  async process(ctx) {
    const { batchSize, maxBatches } = ctx.input;
    const at = ctx.job.scheduledAt;
    const totals = { resolved: 0, territoriesMoved: 0, notifications: 0 };
    for (let batch = 0; batch < maxBatches; batch++) {
      ctx.signal.throwIfAborted();
      const { resolved } = await ctx.db.transaction(async (tx) => {
        const result = await idsAndCounts<'resolved' | 'moved'>(tx, sql`
          WITH resolved AS (
            UPDATE wars SET status = 'resolved', resolved_at = ${at},
                   winner_id = CASE WHEN attacker_score > defender_score THEN attacker_id ELSE defender_id END
            WHERE id IN (SELECT id FROM wars WHERE status = 'active' AND ends_at <= ${at}
                         ORDER BY id LIMIT ${batchSize} FOR UPDATE SKIP LOCKED)
              AND status = 'active'
            RETURNING id, territory_id, winner_id, attacker_id, defender_id, ends_at
          ),
          -- Two wars over one territory in a batch: the one that ended last decides.
          last_word AS (
            SELECT DISTINCT ON (territory_id) territory_id, winner_id FROM resolved ORDER BY territory_id, ends_at DESC, id DESC
          ),
          moved AS (
            UPDATE territories t SET faction_id = l.winner_id FROM last_word l
            WHERE t.id = l.territory_id AND t.faction_id <> l.winner_id RETURNING t.id
          ),
          notes AS (
            INSERT INTO notifications (character_id, kind, body, dedupe_key, created_at)
            SELECT f.leader_id, 'war-resolved',
                   'War ' || r.id || ' over territory ' || r.territory_id || ': ' ||
                   CASE WHEN f.id = r.winner_id THEN 'victory' ELSE 'defeat' END,
                   'war-' || r.id || '-faction-' || f.id, ${at}
            FROM resolved r JOIN factions f ON f.id IN (r.attacker_id, r.defender_id)
            WHERE f.leader_id IS NOT NULL
            ON CONFLICT (dedupe_key) DO NOTHING
            RETURNING id
          )
          SELECT (SELECT coalesce(json_agg(id ORDER BY id), '[]'::json) FROM notes) AS ids,
                 (SELECT count(*) FROM resolved) AS resolved, (SELECT count(*) FROM moved) AS moved`);
        await enqueueNotifications(ctx, tx, result.ids);
        totals.territoriesMoved += result.counts.moved;
        totals.notifications += result.ids.length;
        return result.counts;
      });
      totals.resolved += resolved;
      if (resolved < batchSize) break;
    }
    return {
      status: totals.resolved === 0 ? 'skipped' : 'ok',
      summary: `resolved ${totals.resolved} wars; ${totals.territoriesMoved} territories changed hands`,
      counts: totals,
    };
  },
});
