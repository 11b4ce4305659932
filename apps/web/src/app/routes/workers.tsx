// /workers?queue=… — instances and workers per queue; the queue filter lives in the URL.
import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { z } from 'zod';
import { allWorkersQuery, instancesQuery } from '../../features/workers/api';
import { shellRoute } from '../route-root';

export const workersSearch = z.object({
  queue: z.string().min(1).max(200).optional().catch(undefined),
});

export const workersRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/workers',
  validateSearch: workersSearch,
  loader: ({ context }) => Promise.all([context.queryClient.ensureQueryData(instancesQuery), context.queryClient.ensureQueryData(allWorkersQuery)]),
  component: lazyRouteComponent(() => import('../../features/workers/components/WorkersPage'), 'WorkersPage'),
});

export const workersRoutes = [workersRoute];
