// Small real job types for the API's integration tests, on queue names no game type uses.
import { defineJob } from '@bullpen/jobs';
import { z } from 'zod';

const anyInput = z.record(z.string(), z.unknown());

export const okJob = defineJob({
  queue: 'ops-ok',
  description: 'Completes at once',
  timeoutMs: 5_000,
  input: anyInput,
  process: async () => ({ summary: 'done' }),
});

export const failJob = defineJob({
  queue: 'ops-fail',
  description: 'Always fails, on its only attempt',
  timeoutMs: 5_000,
  attempts: 1,
  input: anyInput,
  process: async ({ input }) => {
    throw new Error(`upstream refused order ${String(input.n ?? 0)}`);
  },
});

/** Tests pause this queue so its jobs stay where they were put. */
export const idleJob = defineJob({
  queue: 'ops-idle',
  description: 'Held by a paused queue',
  timeoutMs: 5_000,
  input: anyInput,
  process: async () => ({ summary: 'done' }),
});

export const tickJob = defineJob({
  queue: 'ops-tick',
  description: 'Scheduled hourly',
  timeoutMs: 5_000,
  schedule: { every: 3_600_000 },
  input: anyInput,
  process: async () => ({ summary: 'tick' }),
});

export const testDefinitions = [okJob, failJob, idleJob, tickJob] as const;
