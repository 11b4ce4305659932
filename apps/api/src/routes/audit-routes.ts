import { z } from 'zod';
import { defineRoute, ok, type Route } from '../http/route-table.js';
import type { OpsDeps } from '../ops/deps.js';
import { isoDate, page, pageSize, text } from './schemas.js';

export function auditRoutes(deps: OpsDeps): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/audit',
      summary: 'The audit log, newest first: who, role, action, target, parameters, outcome, time, instance',
      role: 'admin',
      csrf: 'none',
      query: z.strictObject({
        actor: text(100).optional(),
        action: text(100).optional(),
        outcome: z.enum(['started', 'succeeded', 'rejected', 'failed']).optional(),
        from: isoDate.optional(),
        to: isoDate.optional(),
        page,
        pageSize: pageSize(),
      }),
      handler: async ({ query }) => ok(await deps.audit.list(query, query.page, query.pageSize)),
    }),
  ];
}
