// /dead-letters?status=…&queue=…&q=…&group=…&from=…&to=…&page=… — every filter, the chosen error group
// (a fingerprint), the status tab and the page live in the URL; times are ISO instants.
import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { z } from 'zod';
import { deadLettersQuery, groupsQuery } from '../../features/dead-letters/api';
import { shellRoute } from '../route-root';

const instant = z.iso.datetime({ offset: true }).optional().catch(undefined);

export const deadLettersSearch = z.object({
  status: z.enum(['dead', 'replayed', 'retried', 'discarded']).optional().catch(undefined),
  queue: z.string().min(1).max(200).optional().catch(undefined),
  q: z.string().min(1).max(200).optional().catch(undefined),
  group: z.string().min(1).max(300).optional().catch(undefined),
  from: instant,
  to: instant,
  page: z.number().int().min(1).max(1_000_000).optional().catch(undefined),
});

export const deadLettersRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/dead-letters',
  validateSearch: deadLettersSearch,
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) => {
    const filter = { status: deps.status, queue: deps.queue, q: deps.q, group: deps.group, from: deps.from, to: deps.to };
    return Promise.all([context.queryClient.ensureQueryData(deadLettersQuery(filter, deps.page ?? 1)), context.queryClient.ensureQueryData(groupsQuery(filter))]);
  },
  component: lazyRouteComponent(() => import('../../features/dead-letters/components/DeadLettersPage'), 'DeadLettersPage'),
});

export const deadLettersRoutes = [deadLettersRoute];
