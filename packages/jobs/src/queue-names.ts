// The one module where queue names exist as string literals. Everything else refers to QUEUE.*.

/** The game's queues, one per job type (see DESIGN.md "The game's job types"). */
export const QUEUE = {
  warResolution: 'war-resolution',
  weeklyTaxCollection: 'weekly-tax-collection',
  taxDelinquency: 'tax-delinquency',
  auctionSettlement: 'auction-settlement',
  marketplacePriceHistory: 'marketplace-price-history',
  productionTick: 'production-tick',
  workerWages: 'worker-wages',
  influenceDecay: 'influence-decay',
  gossipSpread: 'gossip-spread',
  territoryIncome: 'territory-income',
  bountyExpiration: 'bounty-expiration',
  leaderboardRefresh: 'leaderboard-refresh',
  worldEvents: 'world-events',
  dataRetention: 'data-retention',
  playerNotifications: 'player-notifications',
  /** Bullpen's own: sweeps BullMQ's failed sets into the dead-letter store. */
  deadLetterReconciliation: 'bullpen-dead-letter-reconciliation',
  /** Bullpen's own: relays outbox rows that a crash left between commit and enqueue. */
  outboxRelay: 'bullpen-outbox-relay',
  /** Bullpen's own: evaluates periodic alert rules, sends follow-ups and resolved messages. */
  alertEvaluation: 'bullpen-alert-evaluation',
  /** Bullpen's own: delivers one alert to one channel. */
  alertDelivery: 'bullpen-alert-delivery',
} as const;

export type QueueName = (typeof QUEUE)[keyof typeof QUEUE];

export const QUEUE_NAMES: readonly QueueName[] = Object.values(QUEUE);

export function isQueueName(value: string): value is QueueName {
  return (QUEUE_NAMES as readonly string[]).includes(value);
}
