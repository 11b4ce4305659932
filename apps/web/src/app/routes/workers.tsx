// Placeholder until the Workers feature registers its page here (replace `component` with a
// lazyRouteComponent of features/workers/components/…, add a loader and validateSearch as needed).
import { createRoute } from '@tanstack/react-router';
import { shellRoute } from '../route-root';
import { placeholderPage } from './placeholder';

export const workersRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/workers',
  component: placeholderPage('Workers', 'Instances and the workers attached to each queue.'),
});

export const workersRoutes = [workersRoute];
