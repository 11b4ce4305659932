// The route tree. Each feature's routes are declared in src/app/routes/<feature>.tsx and listed here
// once; see the README section "Adding a page to the console".
import type { QueryClient } from '@tanstack/react-query';
import { createRouter } from '@tanstack/react-router';
import { ErrorState, LoadingState } from '../components/States';
import { rootRoute, shellRoute } from './route-root';
import { accountsRoutes } from './routes/accounts';
import { alertsRoutes } from './routes/alerts';
import { auditRoutes } from './routes/audit';
import { authRoutes } from './routes/auth';
import { deadLettersRoutes } from './routes/dead-letters';
import { queueRoutes } from './routes/queues';
import { schedulesRoutes } from './routes/schedules';
import { workersRoutes } from './routes/workers';

const routeTree = rootRoute.addChildren([
  ...authRoutes,
  shellRoute.addChildren([...queueRoutes, ...schedulesRoutes, ...deadLettersRoutes, ...alertsRoutes, ...workersRoutes, ...auditRoutes, ...accountsRoutes]),
]);

export function createAppRouter(queryClient: QueryClient) {
  return createRouter({
    routeTree,
    context: { queryClient },
    // Loaders use TanStack Query's cache; the router should not keep a second copy.
    defaultPreloadStaleTime: 0,
    defaultPreload: 'intent',
    defaultPendingComponent: () => <LoadingState />,
    defaultErrorComponent: ({ error, reset }) => <ErrorState error={error} onRetry={reset} />,
    scrollRestoration: true,
  });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
