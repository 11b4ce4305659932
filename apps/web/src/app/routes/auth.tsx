import { createRoute } from '@tanstack/react-router';
import { z } from 'zod';
import { LoginPage } from '../../features/auth/components/LoginPage';
import { rootRoute } from '../route-root';

export const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/login',
  validateSearch: z.object({ next: z.string().max(2_000).optional().catch(undefined) }),
  component: LoginPage,
});

export const authRoutes = [loginRoute];

