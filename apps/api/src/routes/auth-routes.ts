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
import type { OpsDeps } from '../ops/deps.js';

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
      body: z.strictObject({ username: z.string().min(1).max(64), password: z.string().min(1).max(1_024) }),
      handler: async ({ body, ip, cookieToken, tls }) => {
        await deps.bootstrap;
        await deps.limiter.check(body.username, ip);
        const user = await findUser(db, body.username);
        const valid = await verifyPassword(body.password, user?.passwordHash ?? (await decoyHash()));
        if (!user || !valid) {
          await deps.limiter.recordFailure(body.username, ip);
          deps.logger.warn({ username: body.username.slice(0, 64), ip }, 'failed sign-in');
          throw new ApiError(401, 'INVALID_CREDENTIALS', 'Wrong user name or password.');
        }
        await deps.limiter.recordSuccess(body.username, ip);
        if (cookieToken) await deleteSessionByToken(db, cookieToken);
        const session = await createSession(db, user.id, ttlMs);
        await db.update(opsUsers).set({ lastSignInAt: new Date() }).where(eq(opsUsers.id, user.id));
        deps.logger.info({ username: user.username, role: user.role, ip }, 'signed in');
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
      response: z.strictObject({ signedOut: z.literal(true) }),
      handler: async ({ cookieToken, tls }) => {
        if (cookieToken) await deleteSessionByToken(db, cookieToken);
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
