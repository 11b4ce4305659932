// Prunes what the world no longer needs, oldest first, in bounded batches (DELETE … WHERE key IN
// (SELECT … LIMIT n)); a run stops after maxBatches per table and reports `partial`, leaving the rest
// to the next run. Cut-offs derive from the scheduled time, so reruns delete nothing more.
import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { defineJob } from '../definition.js';
import { QUEUE } from '../queue-names.js';
import { countsOf } from '../world/statements.js';

const DAY_MS = 86_400_000;

export const dataRetention = defineJob({
  queue: QUEUE.dataRetention,
  description: 'Prune old gossip, trades, notifications and price buckets in bounded batches',
  schedule: { pattern: '0 15 5 * * *', tz: 'UTC' },
  demoSchedule: { every: 120_000 },
  attempts: 3,
  timeoutMs: 10 * 60_000,
  input: z.object({
    batchSize: z.number().int().min(1).max(50_000).default(5_000),
    maxBatches: z.number().int().min(1).max(1_000).default(50),
    gossipDays: z.number().int().min(1).default(30),
    tradeDays: z.number().int().min(1).default(90),
    notificationDays: z.number().int().min(1).default(30),
    bucketDays: z.number().int().min(1).default(365),
  }),
  async process(ctx) {
    const { batchSize, maxBatches } = ctx.input;
    const at = ctx.job.scheduledAt.getTime();
    const before = (days: number) => new Date(at - days * DAY_MS);
    // Gossip goes in smaller batches: deleting an item cascades to everyone who knows it.
    const gossipBatch = Math.max(1, Math.floor(batchSize / 50));
    const targets: Array<{ name: string; statement: SQL }> = [
      {
        name: 'gossip',
        statement: sql`DELETE FROM gossip WHERE id IN (SELECT id FROM gossip WHERE heat = 0 AND created_at < ${before(ctx.input.gossipDays)} ORDER BY id LIMIT ${gossipBatch})`,
      },
      {
        name: 'trades',
        statement: sql`DELETE FROM trades WHERE id IN (SELECT id FROM trades WHERE traded_at < ${before(ctx.input.tradeDays)} ORDER BY id LIMIT ${batchSize})`,
      },
      {
        name: 'notifications',
        statement: sql`DELETE FROM notifications WHERE id IN (SELECT id FROM notifications WHERE delivered_at IS NOT NULL AND created_at < ${before(ctx.input.notificationDays)} ORDER BY id LIMIT ${batchSize})`,
      },
      {
        name: 'priceBuckets',
        statement: sql`DELETE FROM price_buckets WHERE (item, bucket_start) IN (SELECT item, bucket_start FROM price_buckets WHERE bucket_start < ${before(ctx.input.bucketDays)} ORDER BY bucket_start LIMIT ${batchSize})`,
      },
    ];
    const counts: Record<string, number> = {};
    let unfinished = false;
    for (const target of targets) {
      const limit = target.name === 'gossip' ? gossipBatch : batchSize;
      let deleted = 0;
      for (let batch = 0; ; batch++) {
        if (batch === maxBatches) {
          unfinished = true;
          break;
        }
        ctx.signal.throwIfAborted();
        const { n } = await countsOf<'n'>(ctx.db, sql`WITH gone AS (${target.statement} RETURNING 1) SELECT count(*) AS n FROM gone`);
        deleted += n;
        if (n < limit) break;
      }
      counts[target.name] = deleted;
    }
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    return {
      status: unfinished ? 'partial' : total === 0 ? 'skipped' : 'ok',
      summary: `pruned ${counts.gossip} gossip, ${counts.trades} trades, ${counts.notifications} notifications, ${counts.priceBuckets} price buckets`,
      counts,
    };
  },
});
