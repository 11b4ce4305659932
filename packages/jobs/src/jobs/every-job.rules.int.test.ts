// Every job type, on a PostgreSQL server and on PGlite: a second run for the same period or input
// changes nothing, and each type's main rule holds. The heavier guarantees (concurrency, kills, query
// counts, memory) have their own files.
import type { Database, DatabaseHandle } from '@bullpen/db';
import { createPgliteTestDatabase, createTestDatabase } from '@bullpen/db/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { catalog } from '../catalog.js';
import { QUEUE } from '../queue-names.js';
import { runJob } from '../testing.js';
import { checkGoldLedger } from '../world/gold-ledger.js';
import { rowsOf } from '../world/statements.js';
import { bankrupt, fingerprint, NOW, resetWorld, scalar, silentLog } from '../../test/world-fixture.js';
import { bountyExpiration } from './bounty-expiration.job.js';
import { dataRetention } from './data-retention.job.js';
import { influenceDecay } from './influence-decay.job.js';
import { leaderboardRefresh } from './leaderboard-refresh.job.js';
import { playerNotifications } from './player-notifications.job.js';
import { taxDelinquency } from './tax-delinquency.job.js';
import { territoryIncome } from './territory-income.job.js';
import { warResolution } from './war-resolution.job.js';
import { weeklyTaxCollection } from './weekly-tax-collection.job.js';
import { workerWages } from './worker-wages.job.js';
import { worldEvents } from './world-events.job.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const engines: Array<[string, () => Promise<DatabaseHandle & { drop?: () => Promise<void> }>]> = [
  ['a PostgreSQL server', () => createTestDatabase()],
  ['PGlite', () => createPgliteTestDatabase()],
];

describe.each(engines)('every job type on %s', (_engine, open) => {
  let handle: DatabaseHandle & { drop?: () => Promise<void> };
  let db: Database;
  const run = (definition: (typeof catalog)[number], input: unknown = {}, scheduledAt = NOW) =>
    runJob(definition, input, { db, scheduledAt, log: silentLog });

  beforeAll(async () => {
    handle = await open();
    db = handle.db;
  });
  afterAll(async () => {
    await (handle.drop ? handle.drop() : handle.close());
  });
  beforeEach(async () => {
    await resetWorld(db);
  });

  it('runs each of the fifteen types twice for the same period: the second run changes nothing', async () => {
    expect(catalog).toHaveLength(15);
    const [{ id }] = await rowsOf<{ id: number }>(db, sql`
      INSERT INTO notifications (character_id, kind, body, dedupe_key, created_at)
      VALUES (1, 'test', 'hello', 'test-1', ${NOW}) RETURNING id`) as [{ id: number }];
    for (const definition of catalog) {
      const input = definition.queue === QUEUE.playerNotifications ? { notificationId: Number(id) } : {};
      const first = await run(definition, input);
      const afterFirst = await fingerprint(db);
      const second = await run(definition, input);
      expect({ queue: definition.queue, world: await fingerprint(db) }).toEqual({ queue: definition.queue, world: afterFirst });
      expect({ queue: definition.queue, status: second.status }).toEqual({ queue: definition.queue, status: 'skipped' });
      expect(['ok', 'skipped', 'partial']).toContain(first.status);
    }
    expect((await checkGoldLedger(db)).total).toBe(0);
  });

  it('war resolution: wars past their end are won on score, the territory changes hands, leaders are notified through the outbox', async () => {
    expect(warResolution.priority).toBe(1);
    const due = await rowsOf<{ id: number; territory_id: number; winner: number }>(db, sql`
      SELECT id, territory_id, CASE WHEN attacker_score > defender_score THEN attacker_id ELSE defender_id END AS winner
      FROM wars WHERE ends_at <= ${NOW} ORDER BY ends_at, id`);
    const pending = await scalar(db, sql`SELECT count(*) AS n FROM wars WHERE ends_at > ${NOW}`);
    expect(due.length).toBeGreaterThan(0);
    const result = await run(warResolution);
    expect(result.counts.resolved).toBe(due.length);
    expect(await scalar(db, sql`SELECT count(*) AS n FROM wars WHERE status = 'active'`)).toBe(pending);
    const lastWinner = new Map(due.map((w) => [Number(w.territory_id), Number(w.winner)]));
    for (const [territory, winner] of lastWinner) {
      expect(await scalar(db, sql`SELECT faction_id AS n FROM territories WHERE id = ${territory}`)).toBe(winner);
    }
    const jobs = await rowsOf<{ queue: string; job_id: string }>(db, sql`SELECT queue, job_id FROM outbox ORDER BY id`);
    expect(jobs).toHaveLength(due.length * 2);
    for (const job of jobs) {
      expect(job.queue).toBe(QUEUE.playerNotifications);
      expect(job.job_id).toMatch(/^notification-\d+$/);
    }
  });

  it('tax delinquency: overdue bills are penalized once a day and owners with three overdue bills lose those properties', async () => {
    // Ten percent of the characters are broke three weeks ago, so their bills stay unpaid and fall due.
    await bankrupt(db, sql`id % 10 = 0`);
    await run(weeklyTaxCollection, {}, new Date(NOW.getTime() - 21 * DAY));
    const unpaid = await rowsOf<{ owner_id: number; bills: number }>(db, sql`
      SELECT owner_id, count(*)::int AS bills FROM tax_bills WHERE status = 'unpaid' GROUP BY owner_id`);
    const repossessable = unpaid.filter((o) => Number(o.bills) >= 3);
    expect(repossessable.length).toBeGreaterThan(0);
    expect(unpaid.length).toBeGreaterThan(repossessable.length);

    const result = await run(taxDelinquency);
    const expectedRepossessed = repossessable.reduce((sum, o) => sum + Number(o.bills), 0);
    expect(result.counts.repossessed).toBe(expectedRepossessed);
    expect(await scalar(db, sql`SELECT count(*) AS n FROM properties WHERE owner_id IS NULL`)).toBe(expectedRepossessed);
    expect(await scalar(db, sql`SELECT count(*) AS n FROM tax_bills WHERE status = 'unpaid' AND penalty = greatest(1, amount * 5 / 100)`))
      .toBe(unpaid.length === 0 ? 0 : await scalar(db, sql`SELECT count(*) AS n FROM tax_bills WHERE status = 'unpaid'`));
    // The next day penalizes again: idempotent per day, not forever.
    await run(taxDelinquency, {}, new Date(NOW.getTime() + DAY));
    expect(await scalar(db, sql`SELECT count(*) AS n FROM tax_bills WHERE status = 'unpaid' AND penalty <> 2 * greatest(1, amount * 5 / 100)`)).toBe(0);
    expect((await checkGoldLedger(db)).total).toBe(0);
  });

  it('worker wages: owners who can pay all their workers pay each once; the others\' workers strike', async () => {
    await bankrupt(db, sql`id % 7 = 0`);
    const expected = await rowsOf<{ paid: number; striking: number; gold: number }>(db, sql`
      SELECT count(*) FILTER (WHERE c.gold > 0)::int AS paid, count(*) FILTER (WHERE c.gold = 0)::int AS striking,
             coalesce(sum(w.wage) FILTER (WHERE c.gold > 0), 0)::int AS gold
      FROM workers w JOIN properties p ON p.id = w.property_id JOIN characters c ON c.id = p.owner_id`);
    const result = await run(workerWages);
    expect(result.counts.paid).toBe(expected[0]!.paid);
    expect(await scalar(db, sql`SELECT count(*) AS n FROM workers WHERE status = 'striking'`)).toBe(expected[0]!.striking);
    expect(await scalar(db, sql`SELECT balance AS n FROM gold_accounts WHERE account = 'wage_sink'`)).toBe(expected[0]!.gold);
    expect((await checkGoldLedger(db)).total).toBe(0);
  });

  it('influence decay: a percentage per hour, never below the floor, once per hour', async () => {
    await db.execute(sql`UPDATE factions SET influence = CASE id WHEN 1 THEN 1000 WHEN 2 THEN 101 WHEN 3 THEN 50 ELSE influence END`);
    await run(influenceDecay, { percent: 10, floor: 100 });
    await run(influenceDecay, { percent: 10, floor: 100 }, new Date(NOW.getTime() + 60_000));
    const rows = await rowsOf<{ influence: number }>(db, sql`SELECT influence FROM factions WHERE id <= 3 ORDER BY id`);
    expect(rows.map((r) => Number(r.influence))).toEqual([900, 100, 50]);
    await run(influenceDecay, { percent: 10, floor: 100 }, new Date(NOW.getTime() + HOUR));
    expect(await scalar(db, sql`SELECT influence AS n FROM factions WHERE id = 1`)).toBe(810);
  });

  it("territory income: each territory pays its faction's treasury once per hour, minted", async () => {
    const before = await rowsOf<{ id: number; treasury: number; income: number }>(db, sql`
      SELECT f.id, f.treasury, coalesce(sum(t.income_per_hour), 0) AS income
      FROM factions f LEFT JOIN territories t ON t.faction_id = f.id GROUP BY f.id ORDER BY f.id`);
    await run(territoryIncome);
    await run(territoryIncome, {}, new Date(NOW.getTime() + 30 * 60_000));
    const after = await rowsOf<{ treasury: number }>(db, sql`SELECT treasury FROM factions ORDER BY id`);
    expect(after.map((r) => Number(r.treasury))).toEqual(before.map((r) => Number(r.treasury) + Number(r.income)));
    expect((await checkGoldLedger(db)).total).toBe(0);
  });

  it('bounty expiration: expired bounties refund their poster exactly once; live ones stay open', async () => {
    const expired = await rowsOf<{ poster_id: number; reward: number }>(db, sql`
      SELECT poster_id, sum(reward)::int AS reward FROM bounties WHERE expires_at <= ${NOW} GROUP BY poster_id`);
    const open = await scalar(db, sql`SELECT count(*) AS n FROM bounties WHERE expires_at > ${NOW}`);
    const goldBefore = new Map((await rowsOf<{ id: number; gold: number }>(db, sql`SELECT id, gold FROM characters`)).map((r) => [Number(r.id), Number(r.gold)]));
    expect(expired.length).toBeGreaterThan(0);
    await Promise.all([run(bountyExpiration), run(bountyExpiration)]);
    for (const { poster_id, reward } of expired) {
      expect(await scalar(db, sql`SELECT gold AS n FROM characters WHERE id = ${poster_id}`)).toBe(goldBefore.get(Number(poster_id))! + Number(reward));
    }
    expect(await scalar(db, sql`SELECT count(*) AS n FROM bounties WHERE status = 'open'`)).toBe(open);
    expect((await checkGoldLedger(db)).total).toBe(0);
  });

  it('leaderboard refresh: the top N by gold plus property value, ranked 1..N', async () => {
    await run(leaderboardRefresh, { size: 10 });
    const board = await rowsOf<{ character_id: number; rank: number; score: number }>(db, sql`SELECT * FROM leaderboard ORDER BY rank`);
    const expected = await rowsOf<{ id: number; score: number }>(db, sql`
      SELECT c.id, c.gold + coalesce((SELECT sum(value) FROM properties p WHERE p.owner_id = c.id), 0) AS score
      FROM characters c ORDER BY score DESC, c.id LIMIT 10`);
    expect(board.map((r) => [Number(r.rank), Number(r.character_id), Number(r.score)])).toEqual(expected.map((r, i) => [i + 1, Number(r.id), Number(r.score)]));
    // A fortune moves someone to the top: one refresh later the board says so.
    await db.execute(sql`UPDATE characters SET gold = gold + 10000000 WHERE id = 200`); // the ledger is not checked here
    await run(leaderboardRefresh, { size: 10 });
    expect(await scalar(db, sql`SELECT character_id AS n FROM leaderboard WHERE rank = 1`)).toBe(200);
    expect(await scalar(db, sql`SELECT count(*) AS n FROM leaderboard`)).toBe(10);
  });

  it('world events: due events start, finished ones end, by their own times', async () => {
    const expected = await rowsOf<{ active: number; ended: number; scheduled: number }>(db, sql`
      SELECT count(*) FILTER (WHERE starts_at <= ${NOW} AND ends_at > ${NOW})::int AS active,
             count(*) FILTER (WHERE ends_at <= ${NOW})::int AS ended,
             count(*) FILTER (WHERE starts_at > ${NOW})::int AS scheduled FROM world_events`);
    await run(worldEvents);
    const actual = await rowsOf<{ active: number; ended: number; scheduled: number }>(db, sql`
      SELECT count(*) FILTER (WHERE status = 'active')::int AS active, count(*) FILTER (WHERE status = 'ended')::int AS ended,
             count(*) FILTER (WHERE status = 'scheduled')::int AS scheduled FROM world_events`);
    expect(actual).toEqual(expected);
    await run(worldEvents, {}, new Date(NOW.getTime() + 2 * DAY));
    expect(await scalar(db, sql`SELECT count(*) AS n FROM world_events WHERE status <> 'ended'`)).toBe(0);
  });

  it('data retention: prunes only what is past its age, in bounded batches', async () => {
    await db.execute(sql`UPDATE trades SET traded_at = traded_at - interval '100 days' WHERE id <= 1000`);
    const bounded = await run(dataRetention, { batchSize: 100, maxBatches: 3 });
    expect(bounded.status).toBe('partial');
    expect(bounded.counts.trades).toBe(300);
    const rest = await run(dataRetention);
    expect(rest.counts.trades).toBe(700);
    expect(await scalar(db, sql`SELECT count(*) AS n FROM trades`)).toBe(1000);
    expect(await scalar(db, sql`SELECT count(*) AS n FROM trades WHERE traded_at < ${new Date(NOW.getTime() - 90 * DAY)}`)).toBe(0);
  });

  it('player notifications: delivers each notification once, however often its job runs', async () => {
    await run(warResolution);
    const ids = (await rowsOf<{ id: number }>(db, sql`SELECT id FROM notifications ORDER BY id`)).map((r) => Number(r.id));
    expect(ids.length).toBeGreaterThan(0);
    const results = await Promise.all([...ids, ...ids].map((id) => run(playerNotifications, { notificationId: id })));
    expect(results.filter((r) => r.status === 'ok')).toHaveLength(ids.length);
    expect(results.filter((r) => r.status === 'skipped')).toHaveLength(ids.length);
    expect(await scalar(db, sql`SELECT count(*) AS n FROM notifications WHERE delivered_at IS NULL`)).toBe(0);
  });
});
