// Placeholder until the Audit log feature registers its page here (replace `component` with a
// lazyRouteComponent of features/audit/components/…, add a loader and validateSearch as needed).
import { createRoute } from '@tanstack/react-router';
import { shellRoute } from '../route-root';
import { placeholderPage } from './placeholder';

export const auditRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/audit',
  component: placeholderPage('Audit log', 'Every operator action, by whom and when.'),
});

export const auditRoutes = [auditRoute];
