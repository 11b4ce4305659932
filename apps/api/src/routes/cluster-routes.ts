import { z } from 'zod';
import { defineRoute, ok, type Route } from '../http/route-table.js';
import type { OpsDeps } from '../ops/deps.js';
import { epochMs, queueName, workerConnection } from './schemas.js';

export function clusterRoutes(deps: OpsDeps): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/workers',
      summary: 'Worker connections per queue (one cached CLIENT LIST for all queues)',
      role: 'viewer',
      csrf: 'none',
      response: z.strictObject({ workers: z.array(workerConnection) }),
      query: z.strictObject({ queue: queueName.optional() }),
      handler: async ({ query }) => {
        const workers = await deps.workers.workers();
        return ok({ workers: query.queue ? workers.filter((w) => w.queue === query.queue) : workers });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/instances',
      summary: 'Bullpen instances with their roles, version and heartbeats; `alive` is false once a heartbeat is stale',
      role: 'viewer',
      csrf: 'none',
      response: z.strictObject({
        instances: z.array(
          z.strictObject({
            instanceId: z.string(),
            roles: z.strictObject({ worker: z.boolean(), scheduler: z.boolean() }),
            host: z.string(),
            pid: z.number().int(),
            startedAt: epochMs,
            lastSeenAt: epochMs,
            queues: z.array(z.string()),
            version: z.string().nullable(),
            /** This instance's clock minus Redis', in ms at its last heartbeat (positive: ahead). */
            clockSkewMs: z.number().optional(),
            /** The skew exceeds the instance's warning threshold (2 s by default). */
            clockSkewed: z.boolean().optional(),
            alive: z.boolean(),
          }),
        ),
        self: z.string(),
      }),
      handler: async () => ok({ instances: await deps.workers.instances(), self: deps.runtime.instanceId }),
    }),
  ];
}
