// Placeholder until the Accounts feature registers its page here (replace `component` with a
// lazyRouteComponent of features/accounts/components/…, add a loader and validateSearch as needed).
import { createRoute } from '@tanstack/react-router';
import { shellRoute } from '../route-root';
import { placeholderPage } from './placeholder';

export const accountsRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/accounts',
  component: placeholderPage('Accounts', 'Users and their roles.'),
});

export const accountsRoutes = [accountsRoute];
