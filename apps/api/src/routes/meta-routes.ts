import { z } from 'zod';
import { defineRoute, ok, type Route } from '../http/route-table.js';
import type { OpsDeps } from '../ops/deps.js';
import { epochMs, jobStateCounts } from './schemas.js';

/** The data of each server-sent event, by event name. */
export const queuesEvent = z.strictObject({
  queues: z.array(z.strictObject({ name: z.string(), counts: jobStateCounts, paused: z.boolean(), oldestWaitingMs: z.number().nonnegative().nullable() })),
  at: epochMs,
});
export const unavailableEvent = z.strictObject({ code: z.literal('REDIS_UNAVAILABLE'), at: epochMs });
/** One message of the in-app alert feed, as the delivery job published it. */
export const alertEvent = z.strictObject({
  kind: z.enum(['firing', 'follow-up', 'resolved', 'test']),
  notificationId: z.number().int(),
  deliveryId: z.number().int().nullable(),
  ruleId: z.number().int().nullable(),
  ruleName: z.string(),
  ruleKind: z.string(),
  scope: z.string(),
  title: z.string(),
  summary: z.string(),
  count: z.number().int(),
  topError: z.string().nullable(),
  link: z.string(),
  at: z.iso.datetime({ offset: true }),
});

export function metaRoutes(deps: OpsDeps, openapi: () => unknown): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/events',
      summary: 'Server-sent events: `queues` with counts and paused state whenever they change; `unavailable` while Redis is down; `alert` for each in-app alert',
      role: 'viewer',
      csrf: 'none',
      response: z.strictObject({ queues: queuesEvent.optional(), unavailable: unavailableEvent.optional(), alert: alertEvent.optional() }).describe('Event name → the JSON in its data line'),
      stream: (req, res) => deps.events.subscribe(req, res),
    }),
    defineRoute({
      method: 'get',
      path: '/openapi.json',
      summary: 'This API, described in OpenAPI 3.1',
      role: 'viewer',
      csrf: 'none',
      response: z.record(z.string(), z.unknown()),
      handler: async () => ok(openapi()),
    }),
  ];
}
