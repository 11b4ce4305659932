// A deterministic, seeded world. Every row is computed by the database from (seed, row number) with
// generate_series and a plain integer hash, so 100,000 properties take seconds, Node's memory stays
// flat, and the same seed gives the same world on a PostgreSQL server and on PGlite.
import { characters, type Database } from '@bullpen/db';
import { sql } from 'drizzle-orm';
import { mix } from './random.js';

export interface WorldSize {
  factions: number;
  territories: number;
  characters: number;
  properties: number;
  /** Spread evenly over the properties. */
  workers: number;
  auctions: number;
  bids: number;
  bounties: number;
  trades: number;
  gossip: number;
  wars: number;
  worldEvents: number;
}

/** Named sizes: `small` for tests, `large` (100,000 properties and workers) for benchmarks. */
export const WORLD_SIZES = {
  small: {
    factions: 4, territories: 12, characters: 200, properties: 500, workers: 1_000, auctions: 50, bids: 150,
    bounties: 20, trades: 2_000, gossip: 30, wars: 4, worldEvents: 6,
  },
  medium: {
    factions: 6, territories: 60, characters: 2_000, properties: 10_000, workers: 10_000, auctions: 500, bids: 1_500,
    bounties: 100, trades: 10_000, gossip: 60, wars: 8, worldEvents: 10,
  },
  large: {
    factions: 8, territories: 200, characters: 20_000, properties: 100_000, workers: 100_000, auctions: 2_000,
    bids: 6_000, bounties: 500, trades: 50_000, gossip: 200, wars: 20, worldEvents: 20,
  },
} as const satisfies Record<string, WorldSize>;

export type WorldSizeName = keyof typeof WORLD_SIZES;

export interface GenerateWorldOptions {
  /** Same seed, same world. An integer. */
  seed: number;
  /** A named size, or a named size with some counts overridden. Default `small`. */
  size?: WorldSizeName | (Partial<WorldSize> & { base?: WorldSizeName }) | undefined;
  /**
   * The moment the world is generated around: some auctions, wars, bounties and events are already due,
   * others fall due over the next hours. Default now; pass a fixed date for a reproducible world.
   */
  now?: Date | undefined;
}

export function resolveWorldSize(size: GenerateWorldOptions['size']): WorldSize {
  if (size === undefined) return { ...WORLD_SIZES.small };
  if (typeof size === 'string') return { ...WORLD_SIZES[size] };
  const { base = 'small', ...overrides } = size;
  return { ...WORLD_SIZES[base], ...overrides };
}

export const ITEMS = ['grain', 'ore', 'timber', 'tools'] as const;
const PROPERTY_KINDS = ['farm', 'mine', 'mill', 'workshop'] as const;
const EVENT_KINDS = ['harvest-festival', 'plague', 'gold-rush', 'storm'] as const;

/** True when no world has been generated in this database yet. */
export async function isWorldEmpty(db: Database): Promise<boolean> {
  const rows = await db.select({ id: characters.id }).from(characters).limit(1);
  return rows.length === 0;
}

/** Fills an empty database with a world. Refuses a database that already has one. */
export async function generateWorld(db: Database, options: GenerateWorldOptions): Promise<WorldSize> {
  if (!Number.isSafeInteger(options.seed) || options.seed < 0 || options.seed > 1_000_000) {
    throw new Error(`generateWorld needs an integer seed between 0 and 1,000,000 (got ${options.seed}).`);
  }
  const n = resolveWorldSize(options.size);
  for (const [key, value] of Object.entries(n)) {
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`World size "${key}" must be a non-negative integer (got ${value}).`);
  }
  if (n.factions < 2 || n.territories < n.factions || n.characters < n.factions) {
    throw new Error('A world needs at least 2 factions, a territory and a character per faction.');
  }
  if (n.workers > 0 && n.properties === 0) throw new Error('Workers need properties to work on.');
  // Sizes are checked integers, inlined so PostgreSQL knows their types (and the statements stay short).
  const N = Object.fromEntries(Object.entries(n).map(([k, v]) => [k, sql.raw(String(v))])) as Record<keyof WorldSize, ReturnType<typeof sql.raw>>;
  const perFaction = sql.raw(String(Math.floor(n.territories / n.factions)));
  const now = (options.now ?? new Date()).toISOString();
  // Each column draws from its own stream: salt = seed * 1000 + column number.
  const r = (i: string, column: number) => mix(i, options.seed * 1000 + column);
  const minutes = (m: ReturnType<typeof sql>) => sql`${now}::timestamptz + (${m}) * interval '1 minute'`;
  const kinds = sql.raw(`ARRAY['${PROPERTY_KINDS.join("','")}']`);
  const items = sql.raw(`ARRAY['${ITEMS.join("','")}']`);
  const events = sql.raw(`ARRAY['${EVENT_KINDS.join("','")}']`);

  await db.transaction(async (tx) => {
    if (!(await isWorldEmpty(tx as unknown as Database))) {
      throw new Error('generateWorld: this database already holds a world; generate into an empty one.');
    }
    await tx.execute(sql`
      INSERT INTO factions (id, name, treasury, influence)
      SELECT i, 'Faction ' || i, 10000 + ${r('i', 1)} % 5000, 500 + ${r('i', 2)} % 500
      FROM generate_series(1, ${N.factions}) i`);
    await tx.execute(sql`
      INSERT INTO territories (id, name, faction_id, income_per_hour)
      SELECT i, 'Territory ' || i, ((i - 1) % ${N.factions}) + 1, 10 + ${r('i', 3)} % 40
      FROM generate_series(1, ${N.territories}) i`);
    await tx.execute(sql`
      INSERT INTO characters (id, name, faction_id, territory_id, gold)
      SELECT i, 'Character ' || i, ((i - 1) % ${N.factions}) + 1, 1 + ${r('i', 4)} % ${N.territories}, 2000 + ${r('i', 5)} % 8000
      FROM generate_series(1, ${N.characters}) i`);
    await tx.execute(sql`UPDATE factions SET leader_id = id`);
    await tx.execute(sql`
      INSERT INTO properties (id, owner_id, territory_id, kind, value)
      SELECT i, 1 + ${r('i', 6)} % ${N.characters}, 1 + ${r('i', 7)} % ${N.territories},
             (${kinds})[1 + ${r('i', 8)} % 4], 1000 + ${r('i', 9)} % 19000
      FROM generate_series(1, ${N.properties}) i`);
    await tx.execute(sql`
      INSERT INTO workers (id, property_id, health, wage, status)
      SELECT i, ((i - 1) % ${Math.max(n.properties, 1)}) + 1, 30 + ${r('i', 10)} % 71, 5 + ${r('i', 11)} % 20, 'working'
      FROM generate_series(1, ${N.workers}) i`);
    // Auctions end from an hour before `now` to five hours after; the goods left the seller at opening.
    await tx.execute(sql`
      INSERT INTO auctions (id, seller_id, item, quantity, ends_at)
      SELECT i, 1 + ${r('i', 12)} % ${N.characters}, (${items})[1 + ${r('i', 13)} % 4], 1 + ${r('i', 14)} % 10,
             ${minutes(sql`-60 + ${r('i', 15)} % 360`)}
      FROM generate_series(1, ${N.auctions}) i`);
    if (n.auctions > 0) {
      // Bid amounts already left their bidders' gold: they sit in escrow until settlement.
      await tx.execute(sql`
        INSERT INTO bids (id, auction_id, bidder_id, amount, status, placed_at)
        SELECT i, a, CASE WHEN b = s THEN b % ${N.characters} + 1 ELSE b END, 10 + ${r('i', 18)} % 990, 'held',
               ${minutes(sql`-120 + ${r('i', 19)} % 60`)}
        FROM (SELECT i, 1 + ${r('i', 16)} % ${N.auctions} AS a, 1 + ${r('i', 17)} % ${N.characters} AS b
              FROM generate_series(1, ${N.bids}) i) x
        JOIN LATERAL (SELECT seller_id AS s FROM auctions WHERE id = x.a) y ON true`);
    }
    await tx.execute(sql`
      INSERT INTO bounties (id, poster_id, target_id, reward, expires_at)
      SELECT i, 1 + ${r('i', 20)} % ${N.characters}, 1 + ${r('i', 21)} % ${N.characters}, 50 + ${r('i', 22)} % 450,
             ${minutes(sql`-720 + ${r('i', 23)} % 2880`)}
      FROM generate_series(1, ${N.bounties}) i`);
    await tx.execute(sql`
      INSERT INTO trades (id, item, price, quantity, buyer_id, seller_id, traded_at)
      SELECT i, (${items})[1 + ${r('i', 24)} % 4], 5 + ${r('i', 25)} % 95, 1 + ${r('i', 26)} % 20,
             1 + ${r('i', 27)} % ${N.characters}, 1 + ${r('i', 28)} % ${N.characters},
             ${now}::timestamptz - (${r('i', 29)} % 86400) * interval '1 second'
      FROM generate_series(1, ${N.trades}) i`);
    await tx.execute(sql`
      INSERT INTO gossip (id, territory_id, body, heat, created_at)
      SELECT i, 1 + ${r('i', 30)} % ${N.territories}, 'Rumour #' || i, 20 + ${r('i', 31)} % 81,
             ${now}::timestamptz - (${r('i', 32)} % 4320) * interval '1 minute'
      FROM generate_series(1, ${N.gossip}) i`);
    // Two first knowers per rumour, learned before `now` so the first spread starts from them.
    await tx.execute(sql`
      INSERT INTO gossip_knowers (gossip_id, character_id, territory_id, learned_at)
      SELECT g.id, c.id, c.territory_id, g.created_at
      FROM gossip g CROSS JOIN generate_series(1, 2) k
      JOIN characters c ON c.id = 1 + ${r(`g.id * 2 + k`, 33)} % ${N.characters}
      ON CONFLICT DO NOTHING`);
    // A war is over one of the defender's territories: those are defender + factions × k.
    await tx.execute(sql`
      INSERT INTO wars (id, attacker_id, defender_id, territory_id, attacker_score, defender_score, ends_at)
      SELECT i, att, att % ${N.factions} + 1,
             (att % ${N.factions} + 1) + ${N.factions} * (${r('i', 35)} % ${perFaction}),
             ${r('i', 36)} % 1000, ${r('i', 37)} % 1000, ${minutes(sql`-60 + ${r('i', 38)} % 240`)}
      FROM (SELECT i, 1 + ${r('i', 34)} % ${N.factions} AS att FROM generate_series(1, ${N.wars}) i) x`);
    await tx.execute(sql`
      INSERT INTO world_events (id, kind, starts_at, ends_at)
      SELECT i, (${events})[1 + ${r('i', 39)} % 4], s, s + (60 + ${r('i', 40)} % 120) * interval '1 minute'
      FROM (SELECT i, ${minutes(sql`-120 + ${r('i', 41)} % 360`)} AS s FROM generate_series(1, ${N.worldEvents}) i) x`);
    // Explicit ids above: move every sequence past them so later inserts do not collide.
    for (const table of ['factions', 'territories', 'characters', 'properties', 'workers', 'auctions', 'bids', 'bounties', 'trades', 'gossip', 'wars', 'world_events']) {
      await tx.execute(sql`SELECT setval(pg_get_serial_sequence(${table}, 'id'), coalesce((SELECT max(id) FROM ${sql.identifier(table)}), 0) + 1, false)`);
    }
    // The mint holds minus everything the world starts with, so all gold always sums to zero.
    await tx.execute(sql`
      INSERT INTO gold_accounts (account, balance) VALUES
        ('mint', -((SELECT coalesce(sum(gold), 0) FROM characters)
                 + (SELECT coalesce(sum(treasury), 0) FROM factions)
                 + (SELECT coalesce(sum(amount), 0) FROM bids WHERE status = 'held')
                 + (SELECT coalesce(sum(reward), 0) FROM bounties WHERE status = 'open'))),
        ('fee_sink', 0), ('wage_sink', 0)`);
  });
  return n;
}
