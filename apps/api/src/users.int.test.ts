// Accounts API on real PostgreSQL: admin only with the CSRF token, audited; disabling ends sessions at
// once; the last enabled admin cannot be demoted or disabled, even by two admins racing.
import { auditLog } from '@bullpen/db';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disableAccount, enableAccount, listAccounts, setRole } from './auth/accounts.js';
import { startHarness, type Credentials, type Harness } from './test-harness.js';

let h: Harness;
const PW = 'correct horse battery';

const as = (creds: Credentials) => ({
  get: (path: string) => request(h.app).get(`/api/v1${path}`).set('Cookie', creds.cookie),
  post: (path: string, body: object = {}) => request(h.app).post(`/api/v1${path}`).set('Cookie', creds.cookie).set('X-CSRF-Token', creds.csrfToken).send(body),
});
const admin = () => as(h.as.admin);
const signIn = (username: string, password: string) => request(h.app).post('/api/v1/auth/login').send({ username, password });

beforeAll(async () => {
  h = await startHarness({ definitions: [] });
});
afterAll(async () => {
  await h?.close();
});

describe('accounts API', () => {
  it('an admin creates an operator who can sign in; the list shows them; nobody else may manage accounts', async () => {
    const created = await admin().post('/users', { username: 'alice', password: PW, role: 'operator' });
    expect(created.status).toBe(201);
    expect(created.body.user).toMatchObject({ username: 'alice', role: 'operator', disabled: false, disabledAt: null });
    const login = await signIn('alice', PW);
    expect(login.status).toBe(200);
    expect(login.body.role).toBe('operator');
    const list = await admin().get('/users');
    expect(list.body.users.map((u: { username: string; role: string }) => `${u.username}:${u.role}`)).toEqual(['admin:admin', 'alice:operator', 'operator:operator', 'viewer:viewer']);
    expect(JSON.stringify(list.body)).not.toMatch(/scrypt|passwordHash/);
    const alice = list.body.users.find((u: { username: string }) => u.username === 'alice');
    expect(Date.parse(alice.lastSignInAt)).toBeGreaterThanOrEqual(Date.parse(created.body.user.createdAt));
    expect(created.body.user.lastSignInAt).toBeNull();

    expect((await as(h.as.operator).get('/users')).status).toBe(403);
    expect((await as(h.as.operator).post('/users', { username: 'mallory', password: PW, role: 'admin' })).status).toBe(403);
    expect((await request(h.app).get('/api/v1/users')).status).toBe(401);
    const noToken = await request(h.app).post('/api/v1/users').set('Cookie', h.as.admin.cookie).send({ username: 'mallory', password: PW, role: 'admin' });
    expect(noToken.status).toBe(403);
    expect(noToken.body.error.code).toBe('CSRF_FAILED');
    expect((await signIn('mallory', PW)).status).toBe(401);
  });

  it('answers clear 4xx errors: duplicate name (ignoring case), weak password, unknown role, unknown user', async () => {
    const dup = await admin().post('/users', { username: 'ALICE', password: PW, role: 'viewer' });
    expect([dup.status, dup.body.error.code]).toEqual([409, 'USER_EXISTS']);
    for (const weak of ['short-pw', 'bobbybobby-123', 'aaaaaaaaaaaaaaa']) {
      const res = await admin().post('/users', { username: 'bobby', password: weak, role: 'viewer' });
      expect([res.status, res.body.error.code], weak).toEqual([400, 'WEAK_PASSWORD']);
      expect(res.body.error.message).toMatch(/password/);
      expect(res.body.error.details).toEqual({ minLength: 12, maxLength: 256 });
    }
    expect((await admin().post('/users', { username: 'bobby', password: PW, role: 'root' })).body.error.code).toBe('VALIDATION_FAILED');
    expect((await admin().post('/users', { username: 'bad name', password: PW, role: 'viewer' })).status).toBe(400);
    expect((await signIn('bobby', PW)).status).toBe(401);
    // A name that could not exist (here a NUL, which PostgreSQL refuses in text) is a 400 before the audit row.
    const nul = await admin().post('/users/%00/disable');
    expect([nul.status, nul.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const missing = await admin().post('/users/nobody/disable');
    expect([missing.status, missing.body.error.code]).toEqual([404, 'USER_NOT_FOUND']);
    expect((await admin().post('/users/alice/password', { password: 'short' })).body.error.code).toBe('WEAK_PASSWORD');
  });

  it("disabling a user ends their open session at once (401 on the next request) and they cannot sign in; enabling lets them sign in again", async () => {
    await admin().post('/users', { username: 'dora', password: PW, role: 'operator' });
    const dora = (await h.login('dora', PW)) as Credentials;
    expect((await as(dora).get('/auth/me')).status).toBe(200);
    const disabled = await admin().post('/users/dora/disable');
    expect(disabled.status).toBe(200);
    expect(disabled.body.user.disabled).toBe(true);
    const after = await as(dora).get('/auth/me');
    expect([after.status, after.body.error.code]).toEqual([401, 'UNAUTHENTICATED']);
    expect((await as(dora).post('/queues/x/pause')).status).toBe(401);
    const refused = await signIn('dora', PW);
    expect([refused.status, refused.body.error.code]).toEqual([401, 'INVALID_CREDENTIALS']);

    expect((await admin().post('/users/dora/enable')).body.user.disabled).toBe(false);
    // The old session stays ended; a new sign-in works.
    expect((await as(dora).get('/auth/me')).status).toBe(401);
    expect((await signIn('dora', PW)).status).toBe(200);
  });

  it('a role change applies to the open session on its next request', async () => {
    await admin().post('/users', { username: 'erin', password: PW, role: 'admin' });
    const erin = await h.login('erin', PW);
    expect((await as(erin).get('/users')).status).toBe(200);
    expect((await admin().post('/users/erin/role', { role: 'viewer' })).body.user.role).toBe('viewer');
    expect((await as(erin).get('/users')).status).toBe(403);
    expect((await as(erin).get('/auth/me')).body.role).toBe('viewer');
  });

  it('a password reset signs the user out everywhere; the old password stops working', async () => {
    await admin().post('/users', { username: 'frank', password: PW, role: 'viewer' });
    const frank = await h.login('frank', PW);
    const NEW = 'a different passphrase';
    expect((await admin().post('/users/frank/password', { password: NEW })).status).toBe(200);
    expect((await as(frank).get('/auth/me')).status).toBe(401);
    expect((await signIn('frank', PW)).status).toBe(401);
    expect((await signIn('frank', NEW)).status).toBe(200);
    // The audit row names the action and target, never the password.
    const rows = (await h.database.db.select().from(auditLog).where(eq(auditLog.action, 'user.reset-password'))).filter((r) => r.target === 'user:frank');
    expect(rows.map((r) => r.outcome).sort()).toEqual(['started', 'succeeded']);
    expect(JSON.stringify(rows)).not.toContain(NEW);
  });

  it('the last enabled admin cannot be demoted or disabled', async () => {
    // erin was demoted above, so "admin" is the only enabled admin.
    const demote = await admin().post('/users/admin/role', { role: 'operator' });
    expect([demote.status, demote.body.error.code]).toEqual([409, 'LAST_ADMIN']);
    const self = await admin().post('/users/admin/disable');
    expect([self.status, self.body.error.code]).toEqual([409, 'SELF_DISABLE']);
    // Through the shared implementation (the CLI's path, where there is no "self"), the last admin rule holds.
    await expect(disableAccount(h.database.db, 'admin')).rejects.toMatchObject({ status: 409, code: 'LAST_ADMIN' });
    expect((await admin().get('/auth/me')).body.role).toBe('admin');
    const audited = await h.database.db.select().from(auditLog).where(eq(auditLog.action, 'user.disable'));
    expect(audited.filter((r) => r.target === 'user:admin').map((r) => r.outcome).sort()).toEqual(['rejected', 'started']);
  });

  it('two admins disabling each other at the same moment leave exactly one enabled admin', async () => {
    await admin().post('/users', { username: 'gina', password: PW, role: 'admin' });
    const db = h.database.db;
    const enabledAdmins = async () => (await listAccounts(db)).filter((u) => u.role === 'admin' && u.disabledAt === null).map((u) => u.username);
    for (let round = 0; round < 5; round++) {
      const results = await Promise.allSettled([disableAccount(db, 'admin'), setRole(db, 'gina', 'viewer')]);
      expect(results.filter((r) => r.status === 'fulfilled'), `round ${round}`).toHaveLength(1);
      expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason.code).toBe('LAST_ADMIN');
      expect(await enabledAdmins()).toHaveLength(1);
      // Back to two admins for the next round.
      await enableAccount(db, 'admin');
      await setRole(db, 'gina', 'admin');
      expect(await enabledAdmins()).toEqual(['admin', 'gina']);
    }
  });
});
