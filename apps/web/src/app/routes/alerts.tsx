// /alerts?tab=history|rules|channels&rule=…&kind=…&status=…&page=… — the section, the history's
// filters and its page live in the URL.
import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { z } from 'zod';
import { channelsQuery, rulesQuery } from '../../features/alerts/api';
import { shellRoute } from '../route-root';

export const alertsSearch = z.object({
  tab: z.enum(['history', 'rules', 'channels']).optional().catch(undefined),
  rule: z.coerce.number().int().positive().optional().catch(undefined),
  kind: z.enum(['firing', 'follow-up', 'resolved']).optional().catch(undefined),
  status: z.enum(['pending', 'retrying', 'sent', 'failed']).optional().catch(undefined),
  page: z.coerce.number().int().min(1).optional().catch(undefined),
});

export const alertsRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/alerts',
  validateSearch: alertsSearch,
  loader: ({ context }) => Promise.all([context.queryClient.ensureQueryData(rulesQuery), context.queryClient.ensureQueryData(channelsQuery)]),
  component: lazyRouteComponent(() => import('../../features/alerts/components/AlertsPage'), 'AlertsPage'),
});

export const alertsRoutes = [alertsRoute];
