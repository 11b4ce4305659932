import { z } from 'zod';
import { defineRoute, ok, type Route } from '../http/route-table.js';
import type { OpsDeps } from '../ops/deps.js';
import { queueName } from './schemas.js';

export function clusterRoutes(deps: OpsDeps): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/workers',
      summary: 'Worker connections per queue (one cached CLIENT LIST for all queues)',
      role: 'viewer',
      csrf: 'none',
      query: z.strictObject({ queue: queueName.optional() }),
      handler: async ({ query }) => {
        const workers = await deps.workers.workers();
        return ok({ workers: query.queue ? workers.filter((w) => w.queue === query.queue) : workers });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/instances',
      summary: 'Bullpen instances with their roles and heartbeats; `alive` is false once a heartbeat is stale',
      role: 'viewer',
      csrf: 'none',
      handler: async () => ok({ instances: await deps.workers.instances(), self: deps.runtime.instanceId }),
    }),
  ];
}
