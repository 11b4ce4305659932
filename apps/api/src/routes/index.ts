import type { Route } from '../http/route-table.js';
import type { OpsDeps } from '../ops/deps.js';
import { openApiDocument } from '../openapi.js';
import { alertRoutes } from './alert-routes.js';
import { auditRoutes } from './audit-routes.js';
import { authRoutes } from './auth-routes.js';
import { clusterRoutes } from './cluster-routes.js';
import { deadLetterRoutes } from './dead-letter-routes.js';
import { metaRoutes } from './meta-routes.js';
import { queueRoutes } from './queue-routes.js';
import { scheduleRoutes } from './schedule-routes.js';
import { userRoutes } from './user-routes.js';

/** Every route under /api/v1, in matching order. */
export function apiRoutes(deps: OpsDeps, version: string): Route[] {
  let document: unknown;
  const routes: Route[] = [
    ...authRoutes(deps),
    ...queueRoutes(deps),
    ...scheduleRoutes(deps),
    ...deadLetterRoutes(deps),
    ...alertRoutes(deps),
    ...clusterRoutes(deps),
    ...auditRoutes(deps),
    ...userRoutes(deps),
    ...metaRoutes(deps, () => (document ??= openApiDocument(routes, version))),
  ];
  return routes;
}
