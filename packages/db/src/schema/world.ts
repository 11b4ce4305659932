// The game world the job types work on. Gold is conserved: every coin sits in exactly one of
// characters.gold, bids held in escrow (status 'held'), open bounties, faction treasuries or a
// gold account (fee sink, wage sink, the mint). The mint starts at minus everything the world was
// generated with, so the sum over all of them is always zero; see checkGoldLedger in @bullpen/jobs.
import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  serial,
  bigserial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const gold = (name: string) => bigint(name, { mode: 'number' });

export const factions = pgTable('factions', {
  id: serial('id').primaryKey(),
  name: text('name').notNull(),
  /** Character notified of the faction's wars. */
  leaderId: integer('leader_id'),
  treasury: gold('treasury').notNull().default(0),
  influence: integer('influence').notNull().default(0),
});

export const territories = pgTable(
  'territories',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    factionId: integer('faction_id').notNull().references(() => factions.id),
    /** Gold paid to the owning faction's treasury each hour. */
    incomePerHour: integer('income_per_hour').notNull(),
  },
  (t) => [index('territories_faction_idx').on(t.factionId)],
);

export const characters = pgTable(
  'characters',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    factionId: integer('faction_id').references(() => factions.id),
    territoryId: integer('territory_id').notNull().references(() => territories.id),
    gold: gold('gold').notNull(),
  },
  (t) => [
    index('characters_territory_idx').on(t.territoryId),
    // A debit that races another debit fails (and its job retries) rather than minting debt.
    check('characters_gold_nonnegative', sql`${t.gold} >= 0`),
  ],
);

export type PropertyKind = 'farm' | 'mine' | 'mill' | 'workshop';

export const properties = pgTable(
  'properties',
  {
    id: serial('id').primaryKey(),
    /** Null once repossessed for delinquency. */
    ownerId: integer('owner_id').references(() => characters.id),
    territoryId: integer('territory_id').notNull().references(() => territories.id),
    kind: text('kind').$type<PropertyKind>().notNull(),
    value: integer('value').notNull(),
  },
  (t) => [index('properties_owner_idx').on(t.ownerId), index('properties_territory_idx').on(t.territoryId)],
);

export type WorkerStatus = 'working' | 'striking';

export const workers = pgTable(
  'workers',
  {
    id: serial('id').primaryKey(),
    propertyId: integer('property_id').notNull().references(() => properties.id),
    /** 0–100; a worker at 50 or more is healthy and produces. */
    health: integer('health').notNull(),
    wage: integer('wage').notNull(),
    status: text('status').$type<WorkerStatus>().notNull().default('working'),
  },
  (t) => [
    index('workers_property_idx').on(t.propertyId),
    check('workers_health_range', sql`${t.health} BETWEEN 0 AND 100`),
  ],
);

export const inventories = pgTable(
  'inventories',
  {
    characterId: integer('character_id').notNull().references(() => characters.id),
    item: text('item').notNull(),
    quantity: bigint('quantity', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.characterId, t.item] })],
);

export type AuctionStatus = 'open' | 'settled';

export const auctions = pgTable(
  'auctions',
  {
    id: serial('id').primaryKey(),
    sellerId: integer('seller_id').notNull().references(() => characters.id),
    /** The goods are taken from the seller when the auction opens and go to the winner (or back). */
    item: text('item').notNull(),
    quantity: integer('quantity').notNull(),
    endsAt: tstz('ends_at').notNull(),
    status: text('status').$type<AuctionStatus>().notNull().default('open'),
    winnerId: integer('winner_id').references(() => characters.id),
    winningBidId: bigint('winning_bid_id', { mode: 'number' }),
    price: gold('price'),
    fee: gold('fee'),
    settledAt: tstz('settled_at'),
  },
  (t) => [index('auctions_open_due_idx').on(t.endsAt, t.id).where(sql`status = 'open'`)],
);

export type BidStatus = 'held' | 'won' | 'refunded';

/** A bid's amount leaves the bidder's gold when placed and sits in escrow while `held`. */
export const bids = pgTable(
  'bids',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    auctionId: integer('auction_id').notNull().references(() => auctions.id),
    bidderId: integer('bidder_id').notNull().references(() => characters.id),
    amount: gold('amount').notNull(),
    status: text('status').$type<BidStatus>().notNull().default('held'),
    placedAt: tstz('placed_at').notNull(),
  },
  (t) => [index('bids_auction_idx').on(t.auctionId, t.status)],
);

export const trades = pgTable(
  'trades',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    item: text('item').notNull(),
    price: integer('price').notNull(),
    quantity: integer('quantity').notNull(),
    buyerId: integer('buyer_id').notNull(),
    sellerId: integer('seller_id').notNull(),
    tradedAt: tstz('traded_at').notNull(),
  },
  (t) => [index('trades_traded_at_idx').on(t.tradedAt)],
);

/** Fifteen-minute aggregates of trades per item, recomputed (not incremented) so reruns change nothing. */
export const priceBuckets = pgTable(
  'price_buckets',
  {
    item: text('item').notNull(),
    bucketStart: tstz('bucket_start').notNull(),
    trades: integer('trades').notNull(),
    volume: bigint('volume', { mode: 'number' }).notNull(),
    low: integer('low').notNull(),
    high: integer('high').notNull(),
    /** Volume-weighted average price, rounded. */
    average: integer('average').notNull(),
  },
  (t) => [primaryKey({ columns: [t.item, t.bucketStart] }), index('price_buckets_start_idx').on(t.bucketStart)],
);

export type TaxBillStatus = 'unpaid' | 'paid' | 'written_off';

export const taxBills = pgTable(
  'tax_bills',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    propertyId: integer('property_id').notNull().references(() => properties.id),
    ownerId: integer('owner_id').notNull().references(() => characters.id),
    /** ISO week, e.g. `2026-W48`. */
    period: text('period').notNull(),
    amount: gold('amount').notNull(),
    penalty: gold('penalty').notNull().default(0),
    status: text('status').$type<TaxBillStatus>().notNull().default('unpaid'),
    dueAt: tstz('due_at').notNull(),
    paidAt: tstz('paid_at'),
  },
  (t) => [
    // The audit's fix: concurrent or retried runs cannot bill a property twice for one week.
    uniqueIndex('tax_bills_property_period_uq').on(t.propertyId, t.period),
    index('tax_bills_overdue_idx').on(t.dueAt).where(sql`status = 'unpaid'`),
    index('tax_bills_owner_idx').on(t.ownerId),
  ],
);

export const gossip = pgTable(
  'gossip',
  {
    id: serial('id').primaryKey(),
    territoryId: integer('territory_id').notNull().references(() => territories.id),
    body: text('body').notNull(),
    /** 0–100: the chance in percent that a neighbour hears it each spread; cools every run. */
    heat: integer('heat').notNull(),
    createdAt: tstz('created_at').notNull(),
  },
  (t) => [index('gossip_heat_idx').on(t.heat), index('gossip_created_idx').on(t.createdAt)],
);

/** Who knows each item, and where they were when they learned it (so spread finds neighbours by index). */
export const gossipKnowers = pgTable(
  'gossip_knowers',
  {
    gossipId: integer('gossip_id').notNull().references(() => gossip.id, { onDelete: 'cascade' }),
    characterId: integer('character_id').notNull().references(() => characters.id),
    territoryId: integer('territory_id').notNull(),
    learnedAt: tstz('learned_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.gossipId, t.characterId] }),
    index('gossip_knowers_spread_idx').on(t.gossipId, t.territoryId, t.learnedAt),
    index('gossip_knowers_character_idx').on(t.characterId),
  ],
);

export type WarStatus = 'active' | 'resolved';

export const wars = pgTable(
  'wars',
  {
    id: serial('id').primaryKey(),
    attackerId: integer('attacker_id').notNull().references(() => factions.id),
    defenderId: integer('defender_id').notNull().references(() => factions.id),
    territoryId: integer('territory_id').notNull().references(() => territories.id),
    attackerScore: integer('attacker_score').notNull(),
    defenderScore: integer('defender_score').notNull(),
    endsAt: tstz('ends_at').notNull(),
    status: text('status').$type<WarStatus>().notNull().default('active'),
    winnerId: integer('winner_id').references(() => factions.id),
    resolvedAt: tstz('resolved_at'),
  },
  (t) => [index('wars_active_due_idx').on(t.endsAt).where(sql`status = 'active'`)],
);

export type BountyStatus = 'open' | 'claimed' | 'expired';

/** An open bounty's reward is held out of its poster's gold until claimed or expired. */
export const bounties = pgTable(
  'bounties',
  {
    id: serial('id').primaryKey(),
    posterId: integer('poster_id').notNull().references(() => characters.id),
    targetId: integer('target_id').notNull().references(() => characters.id),
    reward: gold('reward').notNull(),
    expiresAt: tstz('expires_at').notNull(),
    status: text('status').$type<BountyStatus>().notNull().default('open'),
    closedAt: tstz('closed_at'),
  },
  (t) => [index('bounties_open_due_idx').on(t.expiresAt).where(sql`status = 'open'`)],
);

export type WorldEventStatus = 'scheduled' | 'active' | 'ended';

export const worldEvents = pgTable(
  'world_events',
  {
    id: serial('id').primaryKey(),
    kind: text('kind').notNull(),
    startsAt: tstz('starts_at').notNull(),
    endsAt: tstz('ends_at').notNull(),
    status: text('status').$type<WorldEventStatus>().notNull().default('scheduled'),
    startedAt: tstz('started_at'),
    endedAt: tstz('ended_at'),
  },
  (t) => [index('world_events_status_idx').on(t.status, t.startsAt)],
);

export const notifications = pgTable(
  'notifications',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    characterId: integer('character_id').notNull().references(() => characters.id),
    kind: text('kind').notNull(),
    body: text('body').notNull(),
    /** What the notification is about, e.g. `auction-won-12`: one notification per fact. */
    dedupeKey: text('dedupe_key').notNull(),
    createdAt: tstz('created_at').notNull(),
    deliveredAt: tstz('delivered_at'),
  },
  (t) => [uniqueIndex('notifications_dedupe_uq').on(t.dedupeKey), index('notifications_created_idx').on(t.createdAt)],
);

export const leaderboard = pgTable(
  'leaderboard',
  {
    characterId: integer('character_id').primaryKey().references(() => characters.id),
    rank: integer('rank').notNull(),
    score: bigint('score', { mode: 'number' }).notNull(),
    refreshedAt: tstz('refreshed_at').notNull(),
  },
  (t) => [index('leaderboard_rank_idx').on(t.rank)],
);

/** Gold sources and sinks outside the characters and factions: `mint`, `fee_sink`, `wage_sink`. */
export const goldAccounts = pgTable('gold_accounts', {
  account: text('account').primaryKey(),
  balance: gold('balance').notNull().default(0),
});

/** One wage per worker per day: the unique key is what makes a rerun pay nobody twice. */
export const wagePayments = pgTable(
  'wage_payments',
  {
    workerId: integer('worker_id').notNull().references(() => workers.id),
    day: text('day').notNull(),
    ownerId: integer('owner_id').notNull(),
    amount: gold('amount').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workerId, t.day] })],
);

/** One income payment per territory per hour. */
export const territoryPayouts = pgTable(
  'territory_payouts',
  {
    territoryId: integer('territory_id').notNull().references(() => territories.id),
    hour: tstz('hour').notNull(),
    factionId: integer('faction_id').notNull(),
    amount: gold('amount').notNull(),
  },
  (t) => [primaryKey({ columns: [t.territoryId, t.hour] })],
);

/**
 * The ledger of work that must happen once per period: a job claims (job, period, scope) in the same
 * statement or transaction as its effect, so a rerun or a concurrent run finds the claim and does nothing.
 * `scope` splits a period into independently claimed parts (e.g. a range of property ids).
 */
export const periodLedger = pgTable(
  'period_ledger',
  {
    job: text('job').notNull(),
    period: text('period').notNull(),
    scope: text('scope').notNull().default(''),
    doneAt: tstz('done_at').notNull().default(sql`now()`),
  },
  (t) => [primaryKey({ columns: [t.job, t.period, t.scope] })],
);
