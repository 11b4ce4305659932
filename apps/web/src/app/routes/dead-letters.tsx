// Placeholder until the Dead letters feature registers its page here (replace `component` with a
// lazyRouteComponent of features/dead-letters/components/…, add a loader and validateSearch as needed).
import { createRoute } from '@tanstack/react-router';
import { shellRoute } from '../route-root';
import { placeholderPage } from './placeholder';

export const deadLettersRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/dead-letters',
  component: placeholderPage('Dead letters', 'Jobs that exhausted their attempts, grouped by error.'),
});

export const deadLettersRoutes = [deadLettersRoute];
