// Sessions: a random token in an httpOnly, SameSite=Strict cookie; PostgreSQL keeps its SHA-256,
// the user and a per-session CSRF token. Signing in always issues a new token (rotation) and drops
// the one the browser presented.
import { createHash, randomBytes } from 'node:crypto';
import { opsSessions, opsUsers, type Database } from '@bullpen/db';
import { and, eq, gt, isNull, lt } from 'drizzle-orm';
import type { OpsRole } from './roles.js';

export const SESSION_COOKIE = 'bullpen_session';

export interface Session {
  id: string;
  userId: number;
  username: string;
  role: OpsRole;
  csrfToken: string;
  expiresAt: Date;
}

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

export async function createSession(db: Database, userId: number, ttlMs: number): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + ttlMs);
  await db.insert(opsSessions).values({ id: digest(token), userId, csrfToken, expiresAt });
  // Opportunistic, bounded housekeeping: this user's expired sessions.
  await db.delete(opsSessions).where(and(eq(opsSessions.userId, userId), lt(opsSessions.expiresAt, new Date())));
  return { token, csrfToken, expiresAt };
}

export async function findSession(db: Database, token: string): Promise<Session | undefined> {
  if (!token || token.length > 200) return undefined;
  const id = digest(token);
  const rows = await db
    .select({
      id: opsSessions.id,
      userId: opsSessions.userId,
      csrfToken: opsSessions.csrfToken,
      expiresAt: opsSessions.expiresAt,
      username: opsUsers.username,
      role: opsUsers.role,
    })
    .from(opsSessions)
    .innerJoin(opsUsers, eq(opsUsers.id, opsSessions.userId))
    .where(and(eq(opsSessions.id, id), gt(opsSessions.expiresAt, new Date()), isNull(opsUsers.disabledAt)))
    .limit(1);
  return rows[0];
}

export async function deleteSessionByToken(db: Database, token: string): Promise<void> {
  if (!token || token.length > 200) return;
  await db.delete(opsSessions).where(eq(opsSessions.id, digest(token)));
}

/** Reads one cookie from the header; no cookie-parser needed for that. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
