// Console accounts (admins only): list, create with a role, change a role, reset a password, disable
// and enable. Every action refreshes the list; refusals come back as the API's codes (LAST_ADMIN,
// USER_EXISTS, WEAK_PASSWORD) and their messages are shown where the admin acted.
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { toast } from '../../components/Toaster';
import { api, unwrap } from '../../lib/api-client';
import type { GetResponse } from '../../lib/api-contract';
import { errorMessage } from '../../lib/api-error';
import type { Role } from '../../lib/roles';

export type Account = GetResponse<'/api/v1/users'>['users'][number];

export const accountKeys = {
  all: ['accounts'] as const,
  list: () => ['accounts', 'list'] as const,
};

export const accountsQuery = queryOptions({
  queryKey: accountKeys.list(),
  queryFn: ({ signal }) => unwrap(api.GET('/api/v1/users', { signal })),
});

/** "an admin", "an operator", "a viewer". */
export const withArticle = (role: string) => `${/^[aeiou]/.test(role) ? 'an' : 'a'} ${role}`;

function useRefresh() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: accountKeys.all });
}

/** Errors surface in the form that caused them (the dialog shows the message), not as a toast. */
export function useCreateAccount() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (input: { username: string; password: string; role: Role }) => unwrap(api.POST('/api/v1/users', { body: input })),
    onSuccess: ({ user }) => toast({ title: `Created ${user.username}`, description: `Signs in as ${withArticle(user.role)} with the password you set.`, tone: 'success' }),
    onSettled: refresh,
  });
}

export function useResetPassword() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: ({ username, password }: { username: string; password: string }) =>
      unwrap(api.POST('/api/v1/users/{username}/password', { params: { path: { username } }, body: { password } })),
    onSuccess: ({ user }) => toast({ title: `Set a new password for ${user.username}`, description: 'Their open sessions have ended; they sign in with the new password.', tone: 'success' }),
    onSettled: refresh,
  });
}

export function useSetRole() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: ({ username, role }: { username: string; role: Role }) => unwrap(api.POST('/api/v1/users/{username}/role', { params: { path: { username } }, body: { role } })),
    onSuccess: ({ user }) => toast({ title: `${user.username} is now ${withArticle(user.role)}`, description: 'It applies from their next request.', tone: 'success' }),
    onError: (error, { username }) => toast({ title: `Could not change the role of ${username}`, description: errorMessage(error), tone: 'error' }),
    onSettled: refresh,
  });
}

export function useSetDisabled() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: ({ username, disabled }: { username: string; disabled: boolean }) =>
      unwrap(
        disabled
          ? api.POST('/api/v1/users/{username}/disable', { params: { path: { username } } })
          : api.POST('/api/v1/users/{username}/enable', { params: { path: { username } } }),
      ),
    onSuccess: ({ user }) =>
      toast(
        user.disabled
          ? { title: `Disabled ${user.username}`, description: 'Their sessions ended at once; they cannot sign in until enabled.', tone: 'success' }
          : { title: `Enabled ${user.username}`, description: 'They can sign in again with their current password.', tone: 'success' },
      ),
    onError: (error, { username, disabled }) => toast({ title: `Could not ${disabled ? 'disable' : 'enable'} ${username}`, description: errorMessage(error), tone: 'error' }),
    onSettled: refresh,
  });
}
