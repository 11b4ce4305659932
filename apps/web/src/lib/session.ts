// Who is signed in, with which role. The session itself is an httpOnly cookie the SPA never sees; this
// is the API's answer to /auth/me, kept in TanStack Query, plus the CSRF token handed to the client.
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, setCsrfToken, unwrap } from './api-client';
import type { GetResponse } from './api-contract';
import { queryKeys } from './query-keys';
import { allows, type Role } from './roles';

export type Session = GetResponse<'/api/v1/auth/me'>;

export const sessionQuery = queryOptions({
  queryKey: queryKeys.session,
  queryFn: async ({ signal }) => {
    const me = await unwrap(api.GET('/api/v1/auth/me', { signal }));
    setCsrfToken(me.csrfToken);
    return me;
  },
  staleTime: Infinity,
  retry: false,
});

export function useSession(): Session | undefined {
  return useQuery(sessionQuery).data;
}

/** True when the signed-in user may use controls that need `role`. A viewer never sees an operator's button. */
export function useCan(role: Role): boolean {
  return allows(useSession()?.role, role);
}
