// Recomputes the top of the rankings (score = gold + value of properties held) in one set-based
// statement; rows whose rank and score did not change are left alone, so a rerun writes nothing.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { defineJob } from '../definition.js';
import { QUEUE } from '../queue-names.js';
import { countsOf } from '../world/statements.js';

export const leaderboardRefresh = defineJob({
  queue: QUEUE.leaderboardRefresh,
  description: 'Recompute the leaderboard: gold plus the value of properties held',
  schedule: { pattern: '0 */5 * * * *', tz: 'UTC' },
  demoSchedule: { every: 60_000 },
  attempts: 3,
  timeoutMs: 60_000,
  input: z.object({ size: z.number().int().min(1).max(10_000).default(100) }),
  async process(ctx) {
    const { size } = ctx.input;
    const counts = await countsOf<'ranked' | 'changed' | 'dropped'>(ctx.db, sql`
      WITH holdings AS (
        SELECT owner_id, sum(value) AS value FROM properties WHERE owner_id IS NOT NULL GROUP BY owner_id
      ),
      ranked AS (
        SELECT c.id, c.gold + coalesce(h.value, 0) AS score,
               row_number() OVER (ORDER BY c.gold + coalesce(h.value, 0) DESC, c.id) AS rank
        FROM characters c LEFT JOIN holdings h ON h.owner_id = c.id
        ORDER BY score DESC, c.id LIMIT ${size}
      ),
      dropped AS (
        DELETE FROM leaderboard WHERE character_id NOT IN (SELECT id FROM ranked) RETURNING 1
      ),
      changed AS (
        INSERT INTO leaderboard (character_id, rank, score, refreshed_at)
        SELECT id, rank, score, ${ctx.job.scheduledAt} FROM ranked
        ON CONFLICT (character_id) DO UPDATE
        SET rank = excluded.rank, score = excluded.score, refreshed_at = excluded.refreshed_at
        WHERE (leaderboard.rank, leaderboard.score) IS DISTINCT FROM (excluded.rank, excluded.score)
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM ranked) AS ranked, (SELECT count(*) FROM changed) AS changed,
             (SELECT count(*) FROM dropped) AS dropped`);
    return {
      status: counts.changed + counts.dropped === 0 ? 'skipped' : 'ok',
      summary: `top ${counts.ranked}: ${counts.changed} entries changed, ${counts.dropped} dropped out`,
      counts,
    };
  },
});
