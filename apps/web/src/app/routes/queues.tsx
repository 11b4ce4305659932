// Overview, one queue, one job. The overview is in the main bundle (it is the first page); the queue
// and job pages load on first visit.
import { createRoute, lazyRouteComponent } from '@tanstack/react-router';
import { z } from 'zod';
import { OverviewPage } from '../../features/queues/components/OverviewPage';
import { jobQuery } from '../../features/jobs/api';
import { jobsQuery, queueQuery, queuesQuery } from '../../features/queues/api';
import { DEFAULT_STATE, JOB_STATES } from '../../features/queues/job-states';
import { shellRoute } from '../route-root';

export const overviewRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/',
  loader: ({ context }) => context.queryClient.ensureQueryData(queuesQuery),
  component: OverviewPage,
});

/** /queues/:queue?state=failed&page=2 — the tab and the page live in the URL. */
export const queueSearch = z.object({
  state: z.enum(JOB_STATES).optional().catch(undefined),
  page: z.number().int().min(1).max(1_000_000).optional().catch(undefined),
});

// The job page is one click from a queue: its code is fetched while the queue page is open, so
// opening a job waits only for the job's data.
const loadJobPage = () => import('../../features/jobs/components/JobPage');

export const queueRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/queues/$queue',
  validateSearch: queueSearch,
  loaderDeps: ({ search }) => ({ state: search.state ?? DEFAULT_STATE, page: search.page ?? 1 }),
  loader: ({ context, params, deps }) => {
    void loadJobPage().catch(() => undefined);
    return Promise.all([context.queryClient.ensureQueryData(queueQuery(params.queue)), context.queryClient.ensureQueryData(jobsQuery(params.queue, deps))]);
  },
  component: lazyRouteComponent(() => import('../../features/queues/components/QueuePage'), 'QueuePage'),
});

export const jobRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/queues/$queue/jobs/$id',
  // Start fetching the job (possibly megabytes) while the page's code loads, without blocking on it:
  // the page itself shows loading, not-found and error states.
  loader: ({ context, params }) => {
    void context.queryClient.prefetchQuery(jobQuery(params.queue, params.id));
  },
  component: lazyRouteComponent(loadJobPage, 'JobPage'),
});

export const queueRoutes = [overviewRoute, queueRoute, jobRoute];
