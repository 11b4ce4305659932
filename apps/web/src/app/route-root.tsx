// The two routes every page hangs from: the root (no chrome; the login page lives here) and the
// signed-in shell (sidebar, top bar), which requires a session and sends anyone without one to
// /login?next=<where they were>.
import type { QueryClient } from '@tanstack/react-query';
import { createRootRouteWithContext, createRoute, Outlet, redirect } from '@tanstack/react-router';
import { ErrorState, LoadingState } from '../components/States';
import { ApiError } from '../lib/api-error';
import { sessionQuery } from '../lib/session';
import { AppLayout } from './layout/AppLayout';
import { NotFound } from './layout/NotFound';

export interface RouterContext {
  queryClient: QueryClient;
}

export const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: Outlet,
  notFoundComponent: NotFound,
});

export const shellRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: '_shell',
  // A loader, not beforeLoad: the pages' loaders run beside it, so the first page's data is fetched
  // while the session is checked instead of after (without a session those fetches get 401 too, and
  // the client sends the user to sign in all the same).
  loader: async ({ context, location }) => {
    try {
      await context.queryClient.ensureQueryData(sessionQuery);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) throw redirect({ to: '/login', search: { next: location.href } });
      throw error;
    }
  },
  component: AppLayout,
  pendingComponent: () => <LoadingState />,
  errorComponent: ({ error, reset }) => <ErrorState error={error} onRetry={reset} />,
});
