import { z } from 'zod';
import { defineRoute, ok, type Route } from '../http/route-table.js';
import type { OpsDeps } from '../ops/deps.js';
import { isoDate, isoTimestamp, page, pageSize, pageOf, text } from './schemas.js';

export function auditRoutes(deps: OpsDeps): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/audit',
      summary: 'The audit log, newest first: who, role, action, target, parameters, outcome, time, instance; filter by actor, action, target (prefix), outcome, time',
      role: 'admin',
      csrf: 'none',
      response: pageOf(
        z.strictObject({
          id: z.number().int(),
          attemptId: z.string(),
          at: isoTimestamp,
          instanceId: z.string(),
          actor: z.string(),
          role: z.enum(['viewer', 'operator', 'admin']),
          action: z.string(),
          target: z.string(),
          params: z.unknown(),
          outcome: z.enum(['started', 'succeeded', 'rejected', 'failed']),
          detail: z.unknown(),
          ip: z.string().nullable(),
        }),
      ),
      query: z.strictObject({
        actor: text(100).optional(),
        action: text(100).optional(),
        target: text(300).optional().describe('Exact target, or a prefix of one: `queue:` or `queue:payments`'),
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
