// Production tick: healthy working workers produce for their property's owner, health drifts within
// bounds, once per slot; and the statements sent grow with the number of id ranges, not of workers.
import { createTestDatabase, type TestDatabase } from '@bullpen/db/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../testing.js';
import { rowsOf } from '../world/statements.js';
import { NOW, resetWorld, scalar, silentLog } from '../../test/world-fixture.js';
import { HEALTHY, productionTick } from './production-tick.job.js';

const PROPERTIES = 5_000;
const WORKERS = 20_000;

describe('production tick on a PostgreSQL server', () => {
  let db: TestDatabase;
  let statements = 0;
  beforeAll(async () => {
    db = await createTestDatabase({ onQuery: () => void statements++ });
    await resetWorld(db.db, { size: { base: 'small', properties: PROPERTIES, workers: WORKERS } });
    await db.db.execute(sql`UPDATE workers SET status = 'striking' WHERE id % 9 = 0`);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('produces one unit per healthy working worker for the owner, drifts health, in O(ranges) statements', async () => {
    const expected = await rowsOf<{ character_id: number; item: string; quantity: number }>(db.db, sql`
      SELECT p.owner_id AS character_id,
             CASE p.kind WHEN 'farm' THEN 'grain' WHEN 'mine' THEN 'ore' WHEN 'mill' THEN 'timber' ELSE 'tools' END AS item,
             count(*)::int AS quantity
      FROM workers w JOIN properties p ON p.id = w.property_id
      WHERE p.owner_id IS NOT NULL AND w.status = 'working' AND w.health >= ${HEALTHY}
      GROUP BY 1, 2 ORDER BY 1, 2`);
    await db.db.execute(sql`CREATE TABLE health_before AS SELECT id, health FROM workers`);

    statements = 0;
    const result = await runJob(productionTick, { rangeSize: 1_000 }, { db: db.db, scheduledAt: NOW, log: silentLog });
    const ranges = Math.ceil(PROPERTIES / 1_000);
    // One to find the id span, one per range: 20,000 workers, 6 statements.
    expect(statements).toBe(1 + ranges);
    expect(result.counts).toMatchObject({ ranges, claimed: ranges, workers: WORKERS });

    const inventories = await rowsOf<{ character_id: number; item: string; quantity: number }>(db.db, sql`
      SELECT character_id, item, quantity::int AS quantity FROM inventories ORDER BY 1, 2`);
    expect(inventories).toEqual(expected);
    expect(await scalar(db.db, sql`
      SELECT count(*) AS n FROM workers w JOIN health_before b ON b.id = w.id
      WHERE abs(w.health - b.health) > 5 OR w.health NOT BETWEEN 0 AND 100`)).toBe(0);
    expect(await scalar(db.db, sql`SELECT count(*) AS n FROM workers w JOIN health_before b ON b.id = w.id WHERE w.health <> b.health`))
      .toBeGreaterThan(WORKERS / 2);

    statements = 0;
    const again = await runJob(productionTick, { rangeSize: 1_000 }, { db: db.db, scheduledAt: new Date(NOW.getTime() + 60_000), log: silentLog });
    expect(again.status).toBe('skipped');
    expect(statements).toBe(1 + ranges);
    expect(await scalar(db.db, sql`SELECT sum(quantity) AS n FROM inventories`)).toBe(expected.reduce((s, r) => s + Number(r.quantity), 0));
  });

  it('issues the same number of statements for four times the workers', async () => {
    await db.db.execute(sql`
      INSERT INTO workers (property_id, health, wage) SELECT 1 + (i % ${PROPERTIES}), 80, 10 FROM generate_series(1, ${3 * WORKERS}) i`);
    statements = 0;
    const result = await runJob(productionTick, { rangeSize: 1_000 }, { db: db.db, scheduledAt: new Date(NOW.getTime() + 10 * 60_000), log: silentLog });
    expect(result.counts.workers).toBe(4 * WORKERS);
    expect(statements).toBe(1 + Math.ceil(PROPERTIES / 1_000));
  });
});
