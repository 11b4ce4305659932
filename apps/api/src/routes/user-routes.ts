// Console accounts, for admins: list, create with a role, change role, reset password, disable, enable.
// Every change is audited (passwords are masked in the audit row) and needs the CSRF token.
import { z } from 'zod';
import { createAccount, disableAccount, enableAccount, listAccounts, MAX_PASSWORD_LENGTH, resetPassword, setRole, USERNAME_PATTERN, type Account } from '../auth/accounts.js';
import { ROLES } from '../auth/roles.js';
import { ApiError } from '../http/api-error.js';
import { defineRoute, ok, type Route } from '../http/route-table.js';
import type { OpsDeps } from '../ops/deps.js';
import { accountResponse, emptyBody, text } from './schemas.js';

// The same rule as creation: a name that could not exist is a 400 before anything (the audit row included) runs.
const username = text(64).regex(USERNAME_PATTERN, 'a user name has 1 to 64 letters, digits, ., _, @ or -');
const usernameParams = z.strictObject({ username });
const role = z.enum(ROLES);
// Strength is checked by the handler (WEAK_PASSWORD, with the reason); this only bounds the input.
const password = text(MAX_PASSWORD_LENGTH * 4);

const view = (account: Account) => ({
  username: account.username,
  role: account.role,
  createdAt: account.createdAt.toISOString(),
  disabledAt: account.disabledAt?.toISOString() ?? null,
  disabled: account.disabledAt !== null,
  lastSignInAt: account.lastSignInAt?.toISOString() ?? null,
});

export function userRoutes(deps: OpsDeps): Route[] {
  const db = deps.database.db;
  const target = ({ params }: { params: { username: string } }) => `user:${params.username}`;
  const one = z.strictObject({ user: accountResponse });
  // The database has changed; now end the user's cached sessions on every instance (session-cache.ts).
  const revoked = async (account: Account) => {
    await deps.sessions.revokeUser(account.id);
    return account;
  };
  return [
    defineRoute({
      method: 'get',
      path: '/users',
      summary: 'Console accounts with their role and whether they are disabled',
      role: 'admin',
      csrf: 'none',
      response: z.strictObject({ users: z.array(accountResponse) }),
      handler: async () => ok({ users: (await listAccounts(db)).map(view) }),
    }),
    defineRoute({
      method: 'post',
      path: '/users',
      summary: 'Creates an account with a role and an initial password (409 USER_EXISTS, 400 WEAK_PASSWORD)',
      role: 'admin',
      csrf: 'token',
      body: z.strictObject({ username, password, role }),
      response: one,
      successStatus: 201,
      audit: { action: 'user.create', target: ({ body }) => `user:${body.username}` },
      handler: async ({ body }) => ok({ user: view(await createAccount(db, body)) }, 201),
    }),
    defineRoute({
      method: 'post',
      path: '/users/:username/role',
      summary: 'Changes a role; takes effect on the next request (409 LAST_ADMIN for the last enabled admin)',
      role: 'admin',
      csrf: 'token',
      params: usernameParams,
      body: z.strictObject({ role }),
      response: one,
      audit: { action: 'user.set-role', target },
      handler: async ({ params, body }) => ok({ user: view(await revoked(await setRole(db, params.username, body.role))) }),
    }),
    defineRoute({
      method: 'post',
      path: '/users/:username/password',
      summary: "Sets a new password and ends the user's sessions (400 WEAK_PASSWORD)",
      role: 'admin',
      csrf: 'token',
      params: usernameParams,
      body: z.strictObject({ password }),
      response: one,
      audit: { action: 'user.reset-password', target },
      handler: async ({ params, body }) => ok({ user: view(await revoked(await resetPassword(db, params.username, body.password))) }),
    }),
    defineRoute({
      method: 'post',
      path: '/users/:username/disable',
      summary: 'Disables an account: its sessions end at once and it cannot sign in (409 LAST_ADMIN for the last enabled admin, 409 SELF_DISABLE for your own)',
      role: 'admin',
      csrf: 'token',
      params: usernameParams,
      body: emptyBody,
      response: one,
      audit: { action: 'user.disable', target },
      handler: async ({ params, session }) => {
        // Locking yourself out by a slip of the mouse helps nobody; another admin can do it.
        if (session && session.username.toLowerCase() === params.username.toLowerCase()) throw new ApiError(409, 'SELF_DISABLE', 'You cannot disable your own account; ask another admin.');
        return ok({ user: view(await revoked(await disableAccount(db, params.username))) });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/users/:username/enable',
      summary: 'Enables a disabled account again (it signs in with its current password)',
      role: 'admin',
      csrf: 'token',
      params: usernameParams,
      body: emptyBody,
      response: one,
      audit: { action: 'user.enable', target },
      handler: async ({ params }) => ok({ user: view(await enableAccount(db, params.username)) }),
    }),
  ];
}
