import { defineRoute, ok, type Route } from '../http/route-table.js';
import type { OpsDeps } from '../ops/deps.js';

export function metaRoutes(deps: OpsDeps, openapi: () => unknown): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/events',
      summary: 'Server-sent events: `queues` with counts and paused state whenever they change; `unavailable` while Redis is down',
      role: 'viewer',
      csrf: 'none',
      stream: (req, res) => deps.events.subscribe(req, res),
    }),
    defineRoute({
      method: 'get',
      path: '/openapi.json',
      summary: 'This API, described in OpenAPI 3.1',
      role: 'viewer',
      csrf: 'none',
      handler: async () => ok(openapi()),
    }),
  ];
}
