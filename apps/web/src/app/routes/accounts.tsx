// /accounts?q=…&role=… — admins only, like the API: anyone else is sent to the overview.
import { createRoute, lazyRouteComponent, redirect } from '@tanstack/react-router';
import { z } from 'zod';
import { accountsQuery } from '../../features/accounts/api';
import { allows } from '../../lib/roles';
import { sessionQuery } from '../../lib/session';
import { shellRoute } from '../route-root';

export const accountsSearch = z.object({
  q: z.string().max(64).optional().catch(undefined),
  role: z.enum(['viewer', 'operator', 'admin']).optional().catch(undefined),
});

export const accountsRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/accounts',
  validateSearch: accountsSearch,
  beforeLoad: async ({ context }) => {
    const session = await context.queryClient.ensureQueryData(sessionQuery);
    if (!allows(session.role, 'admin')) throw redirect({ to: '/' });
  },
  loader: ({ context }) => context.queryClient.ensureQueryData(accountsQuery),
  component: lazyRouteComponent(() => import('../../features/accounts/components/AccountsPage'), 'AccountsPage'),
});

export const accountsRoutes = [accountsRoute];
