// Sign-in and sign-out. The session cookie is set by the API (httpOnly); the SPA keeps the user, role
// and CSRF token in the session query.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from '@tanstack/react-router';
import { api, setCsrfToken, unwrap } from '../../lib/api-client';
import { queryKeys } from '../../lib/query-keys';

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (credentials: { username: string; password: string }) => unwrap(api.POST('/api/v1/auth/login', { body: credentials })),
    onSuccess: (me) => {
      // Whatever was cached belonged to the previous session, if any.
      queryClient.clear();
      setCsrfToken(me.csrfToken);
      queryClient.setQueryData(queryKeys.session, me);
    },
  });
}

export function useSignOut() {
  const queryClient = useQueryClient();
  const router = useRouter();
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/auth/logout', {})),
    onSettled: async () => {
      setCsrfToken(undefined);
      await router.navigate({ to: '/login', search: {} });
      queryClient.clear();
    },
  });
}
