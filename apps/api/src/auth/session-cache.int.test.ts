import { randomBytes } from 'node:crypto';
import { opsSessions, opsUsers } from '@bullpen/db';
import { createTestDatabase, type TestDatabase } from '@bullpen/db/testing';
import { createRedis } from '@bullpen/jobs';
import { eq } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testRedisUrl, waitFor } from '../test-harness.js';
import { SessionCache } from './session-cache.js';
import { createSession } from './sessions.js';
import { createUser } from './users.js';

// Two instances (two caches) on one PostgreSQL and one Redis, as two API processes would be.
describe('session cache: revocations end sessions at once on every instance', () => {
  let database: TestDatabase;
  let publisher: Redis;
  let a: SessionCache;
  let b: SessionCache;
  const prefix = `bpsess-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    database = await createTestDatabase();
    publisher = createRedis(testRedisUrl, 'worker');
    const make = () => new SessionCache({ db: database.db, redis: testRedisUrl, publisher, prefix, logger: pino({ level: 'silent' }), ttlMs: 60_000 });
    a = make();
    b = make();
    await waitFor(() => a.active && b.active, 10_000, 'both caches subscribed');
  });
  afterAll(async () => {
    a.close();
    b.close();
    publisher.disconnect();
    await database.drop();
  });

  async function signedIn(username: string) {
    const user = (await createUser(database.db, { username, password: 'password-1234', role: 'operator' }))!;
    const { token } = await createSession(database.db, user.id, 3_600_000);
    return { user, token };
  }

  it('serves a looked-up session from memory until it is revoked', async () => {
    const { user, token } = await signedIn('cached');
    expect((await b.find(token))?.userId).toBe(user.id);
    // The database changes but no one revokes: the cache still answers (so it is in use), which is
    // why every change to a user's access must call revokeUser.
    await database.db.update(opsUsers).set({ role: 'viewer' }).where(eq(opsUsers.id, user.id));
    expect((await b.find(token))?.role).toBe('operator');
    await a.revokeUser(user.id);
    await waitFor(async () => (await b.find(token))?.role === 'viewer', 2_000, 'the new role on the other instance');
  });

  it('a user disabled on one instance is signed out on the other at once, not after the TTL', async () => {
    const { user, token } = await signedIn('disabled');
    expect(await a.find(token)).toBeDefined();
    expect(await b.find(token)).toBeDefined();
    await database.db.update(opsUsers).set({ disabledAt: new Date() }).where(eq(opsUsers.id, user.id));
    await a.revokeUser(user.id);
    expect(await a.find(token)).toBeUndefined();
    // The TTL is a minute: only the revocation can end it within the bound.
    await waitFor(async () => (await b.find(token)) === undefined, 2_000, 'the session gone on the other instance');
  });

  it('signing out on one instance ends the session on the other at once', async () => {
    const { token } = await signedIn('signed-out');
    expect(await b.find(token)).toBeDefined();
    await database.db.delete(opsSessions);
    await a.revokeToken(token);
    await waitFor(async () => (await b.find(token)) === undefined, 2_000, 'the session gone on the other instance');
  });
});
