// Placeholder until the Schedules feature registers its page here (replace `component` with a
// lazyRouteComponent of features/schedules/components/…, add a loader and validateSearch as needed).
import { createRoute } from '@tanstack/react-router';
import { shellRoute } from '../route-root';
import { placeholderPage } from './placeholder';

export const schedulesRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/schedules',
  component: placeholderPage('Schedules', 'Every scheduler with its pattern, next and last run.'),
});

export const schedulesRoutes = [schedulesRoute];
