// Placeholder until the Alerts feature registers its page here (replace `component` with a
// lazyRouteComponent of features/alerts/components/…, add a loader and validateSearch as needed).
import { createRoute } from '@tanstack/react-router';
import { shellRoute } from '../route-root';
import { placeholderPage } from './placeholder';

export const alertsRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/alerts',
  component: placeholderPage('Alerts', 'Alert rules, channels and history.'),
});

export const alertsRoutes = [alertsRoute];
