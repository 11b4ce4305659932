// Console accounts: create, list, change role, reset password, disable, enable. One implementation for
// the admin API (routes/user-routes.ts) and the `npm run users` command (scripts/users.ts).
//
// Invariants: user names are unique ignoring case; at least one enabled admin remains (demoting or
// disabling the last one is refused, and concurrent attempts serialize on the admin rows' locks);
// disabling a user or resetting their password ends their sessions at once (and findSession ignores
// a disabled user's sessions, so nothing in flight survives either).
import { opsSessions, opsUsers, type Database, type OpsRole } from '@bullpen/db';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { ApiError } from '../http/api-error.js';
import { hashPassword } from './passwords.js';

export const USERNAME_PATTERN = /^[\w.@-]{1,64}$/;
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

export interface Account {
  /** Internal; not shown by the API (session revocation needs it). */
  id: number;
  username: string;
  role: OpsRole;
  createdAt: Date;
  disabledAt: Date | null;
  lastSignInAt: Date | null;
}

const accountColumns = { id: opsUsers.id, username: opsUsers.username, role: opsUsers.role, createdAt: opsUsers.createdAt, disabledAt: opsUsers.disabledAt, lastSignInAt: opsUsers.lastSignInAt };

/** Why a password is refused, or undefined. Length is what matters; a few obvious choices are refused too. */
export function passwordProblem(password: string, username: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `The password needs at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password.length > MAX_PASSWORD_LENGTH) return `The password may have at most ${MAX_PASSWORD_LENGTH} characters.`;
  if (password.toLowerCase().includes(username.toLowerCase())) return 'The password must not contain the user name.';
  if (new Set(password).size < 4) return 'The password needs more than three different characters.';
  return undefined;
}

function checkPassword(password: string, username: string): void {
  const problem = passwordProblem(password, username);
  if (problem) throw new ApiError(400, 'WEAK_PASSWORD', problem, { minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH });
}

const byName = (username: string) => sql`lower(${opsUsers.username}) = lower(${username})`;

export async function listAccounts(db: Database): Promise<Account[]> {
  return db.select(accountColumns).from(opsUsers).orderBy(asc(sql`lower(${opsUsers.username})`));
}

export async function createAccount(db: Database, input: { username: string; password: string; role: OpsRole }): Promise<Account> {
  if (!USERNAME_PATTERN.test(input.username)) throw new ApiError(400, 'VALIDATION_FAILED', 'A user name has 1 to 64 letters, digits, ., _, @ or -.');
  checkPassword(input.password, input.username);
  const rows = await db
    .insert(opsUsers)
    .values({ username: input.username, passwordHash: await hashPassword(input.password), role: input.role })
    .onConflictDoNothing()
    .returning(accountColumns);
  if (!rows[0]) throw new ApiError(409, 'USER_EXISTS', `A user named "${input.username}" already exists (names ignore case).`);
  return rows[0];
}

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

/**
 * Runs `change` on the named user inside a transaction that first locks every enabled admin row, so
 * "is another admin left?" cannot be answered by two concurrent changes at once.
 */
async function changeAccount(db: Database, username: string, change: (tx: Tx, user: { id: number; role: OpsRole; disabled: boolean }, otherAdmins: number) => Promise<void>): Promise<Account> {
  return db.transaction(async (tx) => {
    const admins = await tx
      .select({ id: opsUsers.id })
      .from(opsUsers)
      .where(and(eq(opsUsers.role, 'admin'), isNull(opsUsers.disabledAt)))
      .for('update');
    const [user] = await tx.select({ id: opsUsers.id, role: opsUsers.role, disabledAt: opsUsers.disabledAt }).from(opsUsers).where(byName(username)).limit(1);
    if (!user) throw new ApiError(404, 'USER_NOT_FOUND', `No user named "${username.slice(0, 64)}".`);
    await change(tx, { id: user.id, role: user.role, disabled: user.disabledAt !== null }, admins.filter((a) => a.id !== user.id).length);
    const [after] = await tx.select(accountColumns).from(opsUsers).where(eq(opsUsers.id, user.id));
    return after!;
  });
}

const lastAdmin = (what: string) => new ApiError(409, 'LAST_ADMIN', `This is the last enabled admin: ${what} would leave nobody able to manage accounts. Make another admin first.`);

export function setRole(db: Database, username: string, role: OpsRole): Promise<Account> {
  return changeAccount(db, username, async (tx, user, otherAdmins) => {
    if (user.role === 'admin' && role !== 'admin' && !user.disabled && otherAdmins === 0) throw lastAdmin('demoting them');
    await tx.update(opsUsers).set({ role }).where(eq(opsUsers.id, user.id));
  });
}

export function resetPassword(db: Database, username: string, password: string): Promise<Account> {
  return changeAccount(db, username, async (tx, user) => {
    const [named] = await tx.select({ username: opsUsers.username }).from(opsUsers).where(eq(opsUsers.id, user.id));
    checkPassword(password, named!.username);
    await tx.update(opsUsers).set({ passwordHash: await hashPassword(password) }).where(eq(opsUsers.id, user.id));
    // Whoever knew the old password is signed out with it.
    await tx.delete(opsSessions).where(eq(opsSessions.userId, user.id));
  });
}

export function disableAccount(db: Database, username: string): Promise<Account> {
  return changeAccount(db, username, async (tx, user, otherAdmins) => {
    if (user.role === 'admin' && !user.disabled && otherAdmins === 0) throw lastAdmin('disabling them');
    if (!user.disabled) await tx.update(opsUsers).set({ disabledAt: new Date() }).where(eq(opsUsers.id, user.id));
    await tx.delete(opsSessions).where(eq(opsSessions.userId, user.id));
  });
}

export function enableAccount(db: Database, username: string): Promise<Account> {
  return changeAccount(db, username, async (tx, user) => {
    if (user.disabled) await tx.update(opsUsers).set({ disabledAt: null }).where(eq(opsUsers.id, user.id));
  });
}
