// Set-based job statements against the naive per-row loop the audit found, side by side on one
// PostgreSQL database: weekly tax for 100,000 properties and a production tick for 100,000 workers.
// The naive loops exist only here, as the baseline. Targets: ratio ≥ 20×, tax for 100k < 5 s.
// Then weekly tax on a world ten times larger (1,000,000 properties): it must grow linearly (about
// 10× the 100k run) and stay ≤ 10 s.
import { createTestDatabase } from '@bullpen/db/testing';
import { catalog, generateWorld, QUEUE, slotOf } from '@bullpen/jobs';
import { runJob } from '@bullpen/jobs/testing';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';

const log = pino({ level: 'silent' });
const definition = (queue: string) => {
  const found = catalog.find((d) => d.queue === queue);
  if (!found) throw new Error(`no job type ${queue}`);
  return found;
};

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return (performance.now() - started) / 1000;
}

type Rows<T> = { rows: T[] };

export async function run(): Promise<void> {
  const handle = await createTestDatabase({ poolSize: 2 });
  const db = handle.db;
  const exec = async <T>(query: ReturnType<typeof sql>) => ((await db.execute(query)) as unknown as Rows<T>).rows;
  try {
    const now = new Date('2026-11-28T12:00:00Z');
    await generateWorld(db, { seed: 1, size: 'large', now });
    const counts = (await exec<{ p: string; w: string }>(sql`SELECT (SELECT count(*) FROM properties) p, (SELECT count(*) FROM workers) w`))[0]!;
    console.log(`world: ${counts.p} properties, ${counts.w} workers (PostgreSQL ${handle.kind})`);

    // ---- weekly tax ----------------------------------------------------------------------------
    const weekA = new Date('2026-11-02T03:00:00Z'); // 2026-W45
    const taxSetBased = await timed(() => runJob(definition(QUEUE.weeklyTaxCollection), {}, { db, scheduledAt: weekA, log }));
    const taxNaive = await timed(async () => {
      // The old way: load every property, then one round trip per statement per property.
      const properties = await exec<{ id: number; owner_id: number; territory_id: number; value: number }>(
        sql`SELECT id, owner_id, territory_id, value FROM properties WHERE owner_id IS NOT NULL ORDER BY id`);
      for (const p of properties) {
        const amount = Math.floor((p.value * 2) / 100);
        const owner = (await exec<{ gold: string }>(sql`SELECT gold FROM characters WHERE id = ${p.owner_id}`))[0]!;
        const pays = Number(owner.gold) >= amount;
        const inserted = await exec(sql`
          INSERT INTO tax_bills (property_id, owner_id, period, amount, status, due_at)
          VALUES (${p.id}, ${p.owner_id}, '2026-W46', ${amount}, ${pays ? 'paid' : 'unpaid'}, ${now})
          ON CONFLICT DO NOTHING RETURNING id`);
        if (inserted.length === 1 && pays) {
          await db.execute(sql`UPDATE characters SET gold = gold - ${amount} WHERE id = ${p.owner_id}`);
          await db.execute(sql`UPDATE factions SET treasury = treasury + ${amount} WHERE id = (SELECT faction_id FROM territories WHERE id = ${p.territory_id})`);
        }
      }
    });
    const bills = (await exec<{ a: string; b: string }>(sql`
      SELECT count(*) FILTER (WHERE period = '2026-W45') a, count(*) FILTER (WHERE period = '2026-W46') b FROM tax_bills`))[0]!;

    // ---- production tick -------------------------------------------------------------------------
    const tickAt = new Date('2026-11-28T12:05:00Z');
    const tickSetBased = await timed(() => runJob(definition(QUEUE.productionTick), {}, { db, scheduledAt: tickAt, log }));
    const tickNaive = await timed(async () => {
      const slot = slotOf(new Date('2026-11-28T12:10:00Z'), 5).index;
      const workers = await exec<{ id: number; health: number; status: string; owner_id: number | null; kind: string }>(sql`
        SELECT w.id, w.health, w.status, p.owner_id, p.kind FROM workers w JOIN properties p ON p.id = w.property_id ORDER BY w.id`);
      const item: Record<string, string> = { farm: 'grain', mine: 'ore', mill: 'timber', workshop: 'tools' };
      for (const w of workers) {
        if (w.owner_id !== null && w.status === 'working' && w.health >= 50) {
          await db.execute(sql`
            INSERT INTO inventories (character_id, item, quantity) VALUES (${w.owner_id}, ${item[w.kind]!}, 1)
            ON CONFLICT (character_id, item) DO UPDATE SET quantity = inventories.quantity + 1`);
        }
        const drift = ((w.id * 7919 + slot) % 11) - 5;
        await db.execute(sql`UPDATE workers SET health = ${Math.min(100, Math.max(0, w.health + drift))} WHERE id = ${w.id}`);
      }
    });

    const line = (name: string, set: number, naive: number) =>
      console.log(`${name.padEnd(34)} set-based ${set.toFixed(2).padStart(7)} s   naive per-row ${naive.toFixed(2).padStart(8)} s   ratio ${(naive / set).toFixed(1)}×`);
    console.log(`bills: ${bills.a} set-based, ${bills.b} naive`);
    line('weekly tax, 100,000 properties', taxSetBased, taxNaive);
    line('production tick, 100,000 workers', tickSetBased, tickNaive);
    console.log(`targets: ratio ≥ 20×, tax < 5 s → tax ${taxSetBased < 5 ? 'met' : 'MISSED'} (${taxSetBased.toFixed(2)} s)`);
    await handle.drop();
    await weeklyTaxAtAMillion(taxSetBased);
  } finally {
    await handle.drop();
  }
}

/** Weekly tax over 1,000,000 properties on its own database, against the 100k figure above. */
async function weeklyTaxAtAMillion(tax100k: number): Promise<void> {
  const handle = await createTestDatabase({ poolSize: 2 });
  try {
    const generated = await timed(() =>
      generateWorld(handle.db, { seed: 2, size: { base: 'large', properties: 1_000_000, characters: 200_000, workers: 10_000 }, now: new Date('2026-11-28T12:00:00Z') }),
    );
    const seconds = await timed(() => runJob(definition(QUEUE.weeklyTaxCollection), {}, { db: handle.db, scheduledAt: new Date('2026-11-02T03:00:00Z'), log }));
    const bills = ((await handle.db.execute(sql`SELECT count(*) AS n FROM tax_bills`)) as unknown as Rows<{ n: string }>).rows[0]!.n;
    console.log(`weekly tax, 1,000,000 properties      ${seconds.toFixed(2).padStart(7)} s   (${Number(bills).toLocaleString('en')} bills; world generated in ${generated.toFixed(0)} s)`);
    console.log(`1M ÷ 100k: ${(seconds / tax100k).toFixed(1)}× the time for 10× the properties (linear ≈ 10×); ≤ 10 s → ${seconds <= 10 ? 'met' : 'NOT met'}`);
  } finally {
    await handle.drop();
  }
}
