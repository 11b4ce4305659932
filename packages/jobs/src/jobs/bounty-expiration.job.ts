// Expired open bounties refund their reward to the poster. The claim (open → expired) and the refund
// are one statement, in bounded batches: an expired bounty is never claimed, so never refunded, twice.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { defineJob } from '../definition.js';
import { QUEUE } from '../queue-names.js';
import { countsOf } from '../world/statements.js';

export const bountyExpiration = defineJob({
  queue: QUEUE.bountyExpiration,
  description: 'Expired bounties refund their poster',
  schedule: { pattern: '0 */15 * * * *', tz: 'UTC' },
  demoSchedule: { every: 60_000 },
  attempts: 3,
  timeoutMs: 60_000,
  input: z.object({
    batchSize: z.number().int().min(1).max(10_000).default(500),
    maxBatches: z.number().int().min(1).max(1_000).default(20),
  }),
  async process(ctx) {
    const { batchSize, maxBatches } = ctx.input;
    const at = ctx.job.scheduledAt;
    const totals = { expired: 0, refunded: 0 };
    let more = true;
    for (let batch = 0; more && batch < maxBatches; batch++) {
      ctx.signal.throwIfAborted();
      const counts = await countsOf<'expired' | 'refunded'>(ctx.db, sql`
        WITH expired AS (
          UPDATE bounties SET status = 'expired', closed_at = ${at}
          WHERE id IN (SELECT id FROM bounties WHERE status = 'open' AND expires_at <= ${at}
                       ORDER BY id LIMIT ${batchSize} FOR UPDATE SKIP LOCKED)
            AND status = 'open'
          RETURNING poster_id, reward
        ),
        refund AS (
          UPDATE characters c SET gold = c.gold + s.total
          FROM (SELECT poster_id, sum(reward) AS total FROM expired GROUP BY poster_id) s
          WHERE c.id = s.poster_id RETURNING 1
        )
        SELECT count(*) AS expired, coalesce(sum(reward), 0) AS refunded FROM expired`);
      totals.expired += counts.expired;
      totals.refunded += counts.refunded;
      more = counts.expired === batchSize;
    }
    return {
      status: totals.expired === 0 ? 'skipped' : more ? 'partial' : 'ok',
      summary: `${totals.expired} bounties expired, ${totals.refunded} gold refunded`,
      counts: totals,
    };
  },
});
