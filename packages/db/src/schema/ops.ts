// The operations console's own records: who may sign in, their sessions, and what they did.
import { sql } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export type OpsRole = 'viewer' | 'operator' | 'admin';

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Console users. Passwords are scrypt hashes (`scrypt$N$r$p$salt$hash`), never the password. */
export const opsUsers = pgTable(
  'ops_users',
  {
    id: serial('id').primaryKey(),
    username: text('username').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role').$type<OpsRole>().notNull(),
    createdAt: tstz('created_at').notNull().default(sql`now()`),
    disabledAt: tstz('disabled_at'),
    lastSignInAt: tstz('last_sign_in_at'),
  },
  (t) => [uniqueIndex('ops_users_username_uq').on(sql`lower(${t.username})`)],
);

/**
 * Signed-in sessions. The cookie holds a random token; the row is keyed by its SHA-256, so a copy of
 * this table does not let anyone sign in. Kept in PostgreSQL rather than Redis so that a signed-in
 * operator stays signed in through a Redis outage and is told "Redis is unavailable" (503), not asked
 * to sign in again. (Signing in itself needs Redis: the login rate limit lives there.)
 */
export const opsSessions = pgTable(
  'ops_sessions',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => opsUsers.id, { onDelete: 'cascade' }),
    csrfToken: text('csrf_token').notNull(),
    createdAt: tstz('created_at').notNull().default(sql`now()`),
    expiresAt: tstz('expires_at').notNull(),
  },
  (t) => [index('ops_sessions_user_idx').on(t.userId), index('ops_sessions_expires_idx').on(t.expiresAt)],
);

export type AuditOutcome = 'started' | 'succeeded' | 'rejected' | 'failed';

/**
 * Append-only record of every state-changing action. An action writes a `started` row before it runs
 * (and is refused if that write fails), then a row with its outcome sharing the same `attempt_id`.
 * A trigger refuses UPDATE and DELETE.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    attemptId: text('attempt_id').notNull(),
    at: tstz('at').notNull().default(sql`now()`),
    instanceId: text('instance_id').notNull(),
    actor: text('actor').notNull(),
    /** The actor's role; `anonymous` for sign-in attempts by no known user. */
    role: text('role').$type<OpsRole | 'anonymous'>().notNull(),
    action: text('action').notNull(),
    target: text('target').notNull(),
    params: jsonb('params').notNull(),
    outcome: text('outcome').$type<AuditOutcome>().notNull(),
    /** Status code, error code, counts: what the outcome row has to say. */
    detail: jsonb('detail'),
    ip: text('ip'),
  },
  (t) => [index('audit_log_at_idx').on(t.at), index('audit_log_actor_idx').on(t.actor, t.at), index('audit_log_action_idx').on(t.action, t.at)],
);
