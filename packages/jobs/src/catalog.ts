// Every job type of the game, collected once so that enqueueing by name is type-checked.
// One file per type under ./jobs/<queue-name>.job.ts; add the new definition here.
import type { AnyJobDefinition } from './definition.js';
import { QUEUE, type QueueName } from './queue-names.js';
import { auctionSettlement } from './jobs/auction-settlement.job.js';
import { bountyExpiration } from './jobs/bounty-expiration.job.js';
import { dataRetention } from './jobs/data-retention.job.js';
import { gossipSpread } from './jobs/gossip-spread.job.js';
import { influenceDecay } from './jobs/influence-decay.job.js';
import { leaderboardRefresh } from './jobs/leaderboard-refresh.job.js';
import { marketplacePriceHistory } from './jobs/marketplace-price-history.job.js';
import { playerNotifications } from './jobs/player-notifications.job.js';
import { productionTick } from './jobs/production-tick.job.js';
import { taxDelinquency } from './jobs/tax-delinquency.job.js';
import { territoryIncome } from './jobs/territory-income.job.js';
import { warResolution } from './jobs/war-resolution.job.js';
import { weeklyTaxCollection } from './jobs/weekly-tax-collection.job.js';
import { workerWages } from './jobs/worker-wages.job.js';
import { worldEvents } from './jobs/world-events.job.js';

export const catalog = [
  warResolution,
  weeklyTaxCollection,
  taxDelinquency,
  auctionSettlement,
  marketplacePriceHistory,
  productionTick,
  workerWages,
  influenceDecay,
  gossipSpread,
  territoryIncome,
  bountyExpiration,
  leaderboardRefresh,
  worldEvents,
  dataRetention,
  playerNotifications,
] as const satisfies readonly AnyJobDefinition[];

/**
 * Queues of job types a version dropped from the catalog. Removing a type from `catalog` alone keeps
 * its scheduler (an older instance cannot tell a dropped type from one a newer version added); listing
 * its queue name here retires it: every scheduler-role instance removes its scheduler and leaves a
 * tombstone in Redis that older instances obey too. Keep names here for good and never reuse them.
 */
export const retiredQueues: readonly string[] = [];

/**
 * Job types demo mode fails on purpose (at the runtime's configured rate), so retries, dead letters,
 * breaker trips and alerts show up at once. Chosen because a failed attempt there harms nothing: each
 * recomputes or claims idempotently on the retry, and none is a money-moving or priority type.
 */
export const demoFailureQueues = [
  QUEUE.marketplacePriceHistory,
  QUEUE.worldEvents,
  QUEUE.playerNotifications,
] as const satisfies readonly QueueName[];

export {
  auctionSettlement,
  bountyExpiration,
  dataRetention,
  gossipSpread,
  influenceDecay,
  leaderboardRefresh,
  marketplacePriceHistory,
  playerNotifications,
  productionTick,
  taxDelinquency,
  territoryIncome,
  warResolution,
  weeklyTaxCollection,
  workerWages,
  worldEvents,
};
