// Delivers one notification, enqueued through the outbox by the job that created it (job id
// `notification-<id>`, so BullMQ deduplicates the enqueue). Delivery is a conditional claim
// (delivered_at IS NULL → set), so a retried or duplicated job delivers nothing twice.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { defineJob } from '../definition.js';
import { QUEUE } from '../queue-names.js';
import { rowsOf } from '../world/statements.js';

export const playerNotifications = defineJob({
  queue: QUEUE.playerNotifications,
  description: 'Deliver notifications enqueued by other jobs, deduplicated by notification id',
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
  timeoutMs: 15_000,
  concurrency: 5,
  input: z.object({ notificationId: z.number().int().positive() }),
  async process(ctx) {
    const { notificationId } = ctx.input;
    const rows = await rowsOf<{ character_id: number; kind: string }>(ctx.db, sql`
      UPDATE notifications SET delivered_at = now()
      WHERE id = ${notificationId} AND delivered_at IS NULL
      RETURNING character_id, kind`);
    const delivered = rows[0];
    if (!delivered) {
      return { status: 'skipped', summary: `notification ${notificationId} already delivered or gone`, counts: { delivered: 0 } };
    }
    // The game's delivery channel is the player's in-game inbox, which reads delivered rows.
    ctx.log.info({ notificationId, characterId: Number(delivered.character_id), kind: delivered.kind }, 'notification delivered');
    return { summary: `delivered ${delivered.kind} to character ${delivered.character_id}`, counts: { delivered: 1 } };
  },
});
