// /audit?actor=…&action=…&target=…&outcome=…&from=…&to=…&page=… — filters and page in the URL. The API lets only
// admins read the log, so the route sends anyone else to the overview instead of an error.
import { createRoute, lazyRouteComponent, redirect } from '@tanstack/react-router';
import { z } from 'zod';
import { auditQuery } from '../../features/audit/api';
import { allows } from '../../lib/roles';
import { sessionQuery } from '../../lib/session';
import { shellRoute } from '../route-root';

const instant = z.iso.datetime({ offset: true }).optional().catch(undefined);

export const auditSearch = z.object({
  actor: z.string().min(1).max(100).optional().catch(undefined),
  action: z.string().min(1).max(100).optional().catch(undefined),
  target: z.string().min(1).max(300).optional().catch(undefined),
  outcome: z.enum(['started', 'succeeded', 'rejected', 'failed']).optional().catch(undefined),
  from: instant,
  to: instant,
  page: z.number().int().min(1).max(1_000_000).optional().catch(undefined),
});

export const auditRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/audit',
  validateSearch: auditSearch,
  beforeLoad: async ({ context }) => {
    const session = await context.queryClient.ensureQueryData(sessionQuery);
    if (!allows(session.role, 'admin')) throw redirect({ to: '/' });
  },
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) => {
    const { page, ...filter } = deps;
    return context.queryClient.ensureQueryData(auditQuery(filter, page ?? 1));
  },
  component: lazyRouteComponent(() => import('../../features/audit/components/AuditPage'), 'AuditPage'),
});

export const auditRoutes = [auditRoute];
