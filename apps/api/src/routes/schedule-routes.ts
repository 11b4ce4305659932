import { z } from 'zod';
import { notFound } from '../http/api-error.js';
import { defineRoute, ok, type Route } from '../http/route-table.js';
import type { OpsDeps } from '../ops/deps.js';
import { emptyBody, epochMs, idParams } from './schemas.js';

export function scheduleRoutes(deps: OpsDeps): Route[] {
  // A schedule id is the queue name of a type that has a cadence.
  const guardSchedule = ({ params }: { params: { id: string } }) => {
    const definition = deps.runtime.definition(params.id);
    if (!definition || !(definition.schedule ?? definition.demoSchedule)) throw notFound('SCHEDULE_NOT_FOUND', `No schedule "${params.id.slice(0, 200)}".`);
  };
  const target = ({ params }: { params: { id: string } }) => `schedule:${params.id}`;
  return [
    defineRoute({
      method: 'get',
      path: '/schedules',
      summary: 'Job schedulers: pattern or interval, time zone, next and last run, paused',
      role: 'viewer',
      csrf: 'none',
      response: z.strictObject({
        schedules: z.array(
          z.strictObject({
            id: z.string(),
            queue: z.string(),
            description: z.string(),
            pattern: z.string().nullable(),
            every: z.number().positive().nullable(),
            tz: z.string().nullable(),
            next: epochMs.nullable(),
            lastRunAt: epochMs.nullable(),
            lastRun: z
              .strictObject({ jobId: z.string(), state: z.enum(['completed', 'failed']), finishedAt: epochMs, summary: z.string().nullable(), failedReason: z.string().nullable() })
              .nullable()
              .describe('The run that finished last: summary when it completed, failedReason when it failed'),
            paused: z.boolean(),
          }),
        ),
      }),
      handler: async () => ok({ schedules: await deps.runtime.schedules() }),
    }),
    defineRoute({
      method: 'post',
      path: '/schedules/:id/trigger',
      summary: 'Runs a scheduled type now, outside its cadence',
      role: 'operator',
      csrf: 'token',
      response: z.strictObject({ id: z.string(), jobId: z.string() }),
      successStatus: 202,
      params: idParams,
      body: emptyBody,
      guard: guardSchedule,
      audit: { action: 'schedule.trigger', target },
      handler: async ({ params }) => {
        const job = await deps.runtime.triggerSchedule(params.id);
        return ok({ id: params.id, jobId: job.id }, 202);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/schedules/:id/pause',
      summary: 'Removes the scheduler until resumed; reconciliation at start leaves it paused',
      role: 'operator',
      csrf: 'token',
      response: z.strictObject({ id: z.string(), paused: z.literal(true) }),
      params: idParams,
      body: emptyBody,
      guard: guardSchedule,
      audit: { action: 'schedule.pause', target },
      handler: async ({ params }) => {
        await deps.runtime.pauseSchedule(params.id);
        return ok({ id: params.id, paused: true });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/schedules/:id/resume',
      summary: 'Restores the scheduler with its current cadence',
      role: 'operator',
      csrf: 'token',
      response: z.strictObject({ id: z.string(), paused: z.literal(false) }),
      params: idParams,
      body: emptyBody,
      guard: guardSchedule,
      audit: { action: 'schedule.resume', target },
      handler: async ({ params }) => {
        await deps.runtime.resumeSchedule(params.id);
        return ok({ id: params.id, paused: false });
      },
    }),
  ];
}
