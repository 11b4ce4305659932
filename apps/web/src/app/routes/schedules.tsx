// /schedules?q=…&show=paused — the text filter and the paused/active choice live in the URL.
import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { z } from 'zod';
import { schedulesQuery } from '../../features/schedules/api';
import { shellRoute } from '../route-root';

export const schedulesSearch = z.object({
  q: z.string().max(200).optional().catch(undefined),
  show: z.enum(['all', 'active', 'paused']).optional().catch(undefined),
});

export const schedulesRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/schedules',
  validateSearch: schedulesSearch,
  loader: ({ context }) => context.queryClient.ensureQueryData(schedulesQuery),
  component: lazyRouteComponent(() => import('../../features/schedules/components/SchedulesPage'), 'SchedulesPage'),
});

export const schedulesRoutes = [schedulesRoute];
