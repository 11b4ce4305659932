import { randomBytes } from 'node:crypto';
import { opsUsers, type Database, type OpsRole } from '@bullpen/db';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { hashPassword } from './passwords.js';

export type OpsUser = typeof opsUsers.$inferSelect;

export async function findUser(db: Database, username: string): Promise<OpsUser | undefined> {
  const rows = await db
    .select()
    .from(opsUsers)
    .where(and(sql`lower(${opsUsers.username}) = lower(${username})`, isNull(opsUsers.disabledAt)))
    .limit(1);
  return rows[0];
}

/** Creates a user unless the name is taken. Returns the new user, or undefined when it existed. */
export async function createUser(db: Database, user: { username: string; password: string; role: OpsRole }): Promise<OpsUser | undefined> {
  const rows = await db
    .insert(opsUsers)
    .values({ username: user.username, passwordHash: await hashPassword(user.password), role: user.role })
    .onConflictDoNothing()
    .returning();
  return rows[0];
}

/**
 * Makes sure someone can sign in. With ADMIN_PASSWORD, the ADMIN_USER account is created if missing
 * (an existing password is never overwritten). Without it, and with no admin at all, an admin is
 * created with a random password that is printed once; concurrent instances race on the unique user
 * name, and only the one whose insert wins prints.
 */
export async function ensureAdmin(db: Database, options: { username: string; password?: string | undefined }, log: Logger): Promise<void> {
  if (options.password) {
    const created = await createUser(db, { username: options.username, password: options.password, role: 'admin' });
    if (created) log.info({ username: options.username }, 'admin account created from ADMIN_USER/ADMIN_PASSWORD');
    return;
  }
  const admins = await db.select({ id: opsUsers.id }).from(opsUsers).where(eq(opsUsers.role, 'admin')).limit(1);
  if (admins.length > 0) return;
  const password = randomBytes(18).toString('base64url');
  const created = await createUser(db, { username: options.username, password, role: 'admin' });
  if (created) {
    // Printed once, on purpose: there is no other way to learn it. Set ADMIN_PASSWORD to choose one.
    log.warn(`No admin account existed: created "${options.username}" with the generated password ${password} (shown only now; set ADMIN_PASSWORD to choose one)`);
  }
}
