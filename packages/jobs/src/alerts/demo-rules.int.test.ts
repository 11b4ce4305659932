import { alertRules } from '@bullpen/db';
import { createTestDatabase, type TestDatabase } from '@bullpen/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoAlertRules } from './demo-rules.js';

describe('demo alert rules', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database?.drop());

  it('seeds the three demo rules on the in-app channel once, however many instances seed at the same time', async () => {
    await Promise.all([1, 2, 3].map(() => seedDemoAlertRules(database.db)));
    await seedDemoAlertRules(database.db);
    const rules = await database.db.select().from(alertRules);
    expect(rules.map((r) => r.kind).sort()).toEqual(['breaker-open', 'dead-letter', 'failure-rate']);
    expect(rules.every((r) => r.enabled && r.queues.length === 0 && r.channelIds.length === 1 && r.channelIds[0] === 1)).toBe(true);
  });
});
