// Starts world events that are due and ends those that are over. Both are conditional transitions
// (scheduled → active, scheduled/active → ended) stamped with the event's own times, so reruns are no-ops.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { defineJob } from '../definition.js';
import { QUEUE } from '../queue-names.js';
import { countsOf } from '../world/statements.js';

export const worldEvents = defineJob({
  queue: QUEUE.worldEvents,
  description: 'Start due world events and end finished ones',
  schedule: { every: 60_000 },
  demoSchedule: { every: 30_000 },
  attempts: 3,
  timeoutMs: 30_000,
  input: z.object({}),
  async process(ctx) {
    const at = ctx.job.scheduledAt;
    const counts = await countsOf<'started' | 'ended'>(ctx.db, sql`
      WITH started AS (
        UPDATE world_events SET status = 'active', started_at = starts_at
        WHERE status = 'scheduled' AND starts_at <= ${at} AND ends_at > ${at} RETURNING 1
      ),
      ended AS (
        UPDATE world_events SET status = 'ended', ended_at = ends_at
        WHERE status IN ('scheduled', 'active') AND ends_at <= ${at} RETURNING 1
      )
      SELECT (SELECT count(*) FROM started) AS started, (SELECT count(*) FROM ended) AS ended`);
    return {
      status: counts.started + counts.ended === 0 ? 'skipped' : 'ok',
      summary: `${counts.started} events started, ${counts.ended} ended`,
      counts,
    };
  },
});
