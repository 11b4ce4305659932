// Sign-in, sign-out and "who am I". The session cookie is httpOnly and SameSite=Strict, Secure when the
// request came over TLS (COOKIE_SECURE=auto) and rotated on every sign-in.
import { opsUsers } from '@bullpen/db';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { ApiError } from '../http/api-error.js';
import { defineRoute, type Route } from '../http/route-table.js';
import { decoyHash, verifyPassword } from '../auth/passwords.js';
import { createSession, deleteSessionByToken, SESSION_COOKIE } from '../auth/sessions.js';
import { findUser } from '../auth/users.js';
import { redactedUsername } from '../auth/login-limiter.js';
import type { OpsDeps } from '../ops/deps.js';
import { text } from './schemas.js';

export function sessionCookie(deps: OpsDeps, value: string, maxAgeSeconds: number, tls: boolean): string {
  const secure = deps.config.COOKIE_SECURE === 'true' || (deps.config.COOKIE_SECURE === 'auto' && tls);
  return [`${SESSION_COOKIE}=${encodeURIComponent(value)}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${maxAgeSeconds}`, ...(secure ? ['Secure'] : [])].join('; ');
}

/** Who is signed in: what the SPA needs to show the right controls and to send state changes. */
const sessionResponse = z.strictObject({
  user: z.string(),
  role: z.enum(['viewer', 'operator', 'admin']),
  csrfToken: z.string().describe('Send as X-CSRF-Token on every POST'),
});

export function authRoutes(deps: OpsDeps): Route[] {
  const db = deps.database.db;
  const ttlMs = deps.config.SESSION_TTL_HOURS * 3_600_000;
  return [
    defineRoute({
      method: 'post',
      path: '/auth/login',
      summary: 'Signs in: sets the session cookie and returns the CSRF token for state changes',
      role: 'public',
      // No session yet, so no token: the origin check stands in (login CSRF).
      csrf: 'origin',
      response: sessionResponse,
      body: z.strictObject({ username: text(64), password: text(1_024) }),
      audit: { action: 'auth.sign-in', target: () => 'session', selfAudited: true },
      // Every attempt leaves one audit row (succeeded, rejected: wrong password, rejected: locked) and
      // its refusals are answered, not thrown, so the adapter does not record them a second time.
      handler: async ({ body, ip, cookieToken, tls }) => {
        await deps.bootstrap;
        let locked: ApiError | undefined;
        try {
          await deps.limiter.attempt(body.username, ip);
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          locked = err;
        }
        const user = await findUser(db, body.username);
        // Never the name as typed: a password typed into the name field must not reach logs or audit.
        const actor = { username: user?.username ?? redactedUsername(body.username), role: user?.role ?? ('anonymous' as const), ip };
        const record = (outcome: 'succeeded' | 'rejected', detail: Record<string, unknown>) => deps.audit.record(actor, 'auth.sign-in', 'session', { username: actor.username }, outcome, detail);
        if (locked) {
          deps.logger.warn({ username: actor.username, ip }, 'sign-in refused: too many failures');
          await record('rejected', { status: 429, code: 'RATE_LIMITED', reason: 'locked' });
          return locked.reply();
        }
        const valid = await verifyPassword(body.password, user?.passwordHash ?? (await decoyHash()));
        if (!user || !valid) {
          deps.logger.warn({ username: actor.username, ip }, 'failed sign-in');
          await record('rejected', { status: 401, code: 'INVALID_CREDENTIALS', reason: user ? 'wrong password' : 'no such user' });
          return new ApiError(401, 'INVALID_CREDENTIALS', 'Wrong user name or password.').reply();
        }
        await deps.limiter.succeeded(body.username, ip);
        if (cookieToken) {
          await deleteSessionByToken(db, cookieToken);
          await deps.sessions.revokeToken(cookieToken);
        }
        const session = await createSession(db, user.id, ttlMs);
        await db.update(opsUsers).set({ lastSignInAt: new Date() }).where(eq(opsUsers.id, user.id));
        deps.logger.info({ username: user.username, role: user.role, ip }, 'signed in');
        await record('succeeded', { status: 200 });
        return {
          status: 200,
          body: { user: user.username, role: user.role, csrfToken: session.csrfToken },
          headers: { 'Set-Cookie': sessionCookie(deps, session.token, Math.floor(ttlMs / 1000), tls), 'Cache-Control': 'no-store' },
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/auth/logout',
      summary: 'Signs out: ends the session and clears the cookie',
      role: 'viewer',
      csrf: 'token',
      audit: { action: 'auth.sign-out', target: () => 'session' },
      response: z.strictObject({ signedOut: z.literal(true) }),
      handler: async ({ cookieToken, tls }) => {
        if (cookieToken) {
          await deleteSessionByToken(db, cookieToken);
          await deps.sessions.revokeToken(cookieToken);
        }
        return { status: 200, body: { signedOut: true }, headers: { 'Set-Cookie': sessionCookie(deps, '', 0, tls) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/auth/me',
      summary: 'The signed-in user, role and CSRF token',
      role: 'viewer',
      csrf: 'none',
      response: sessionResponse,
      handler: async ({ session }) => ({
        status: 200,
        body: { user: session!.username, role: session!.role, csrfToken: session!.csrfToken },
        headers: { 'Cache-Control': 'no-store' },
      }),
    }),
  ];
}
