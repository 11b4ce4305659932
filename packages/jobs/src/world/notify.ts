import { QUEUE } from '../queue-names.js';
import type { JobContext } from '../definition.js';
import type { Transaction } from './statements.js';

/**
 * Hands freshly inserted notifications to player-notifications through the outbox, inside the
 * transaction that created them: delivered only if that transaction commits, never enqueued from
 * inside it. The job id is the notification id, so a relay that runs twice enqueues once.
 */
export async function enqueueNotifications(ctx: Pick<JobContext<unknown>, 'enqueueAfterCommit'>, tx: Transaction, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await ctx.enqueueAfterCommit(
    tx,
    ids.map((id) => ({ queue: QUEUE.playerNotifications, jobId: `notification-${id}`, data: { notificationId: id } })),
  );
}
