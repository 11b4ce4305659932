// Demo mode's default alert rules: they fire on the demo's injected failures (poisoned jobs become
// dead letters; a timed outage opens breakers and raises failure rates) and go to the in-app feed.
import { alertChannels, alertRules, type Database } from '@bullpen/db';
import { and, eq } from 'drizzle-orm';

const MINUTE = 60_000;

/** Inserts the demo rules unless rules of those names exist. Safe for several instances at once. */
export async function seedDemoAlertRules(db: Database): Promise<void> {
  const [inApp] = await db.select({ id: alertChannels.id }).from(alertChannels).where(and(eq(alertChannels.kind, 'in-app'), eq(alertChannels.enabled, true))).limit(1);
  const channelIds = inApp ? [inApp.id] : [];
  await db
    .insert(alertRules)
    .values([
      { name: 'Dead letters (demo)', kind: 'dead-letter', queues: [], params: {}, windowMs: 5 * MINUTE, cooldownMs: 2 * MINUTE, channelIds },
      { name: 'Circuit breaker open (demo)', kind: 'breaker-open', queues: [], params: {}, windowMs: 5 * MINUTE, cooldownMs: 5 * MINUTE, channelIds },
      { name: 'Failure rate above 20% (demo)', kind: 'failure-rate', queues: [], params: { thresholdPercent: 20, minVolume: 5 }, windowMs: 5 * MINUTE, cooldownMs: 5 * MINUTE, channelIds },
    ])
    // The unique index on lower(name): a rule an operator kept, edited or several instances seeded stays one row.
    .onConflictDoNothing();
}
