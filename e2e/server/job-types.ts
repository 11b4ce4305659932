// Job types only the end-to-end server runs, beside the catalog: outcomes the tests control, on queue
// names no game type uses. Like apps/api/src/test-jobs.ts, but served by the built app.
import { defineJob } from '@bullpen/jobs';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { gateKey } from '../environment.js';

export const E2E_QUEUE = {
  ok: 'e2e-ok',
  gated: 'e2e-gated',
  hold: 'e2e-hold',
} as const;

const anyInput = z.record(z.string(), z.unknown());

export function e2eDefinitions(redis: Redis) {
  return [
    defineJob({
      queue: E2E_QUEUE.ok,
      description: 'Completes at once (end-to-end tests)',
      timeoutMs: 5_000,
      input: anyInput,
      process: async () => ({ summary: 'done' }),
    }),
    defineJob({
      queue: E2E_QUEUE.gated,
      // One attempt: a failure goes straight to the failed set and becomes a dead letter, so a test
      // sees a retry or replay succeed only because it opened the gate, never because of a backoff.
      description: 'Fails until its gate key is set in Redis (end-to-end tests)',
      timeoutMs: 5_000,
      attempts: 1,
      // Tests fail these jobs on purpose, many in a row: the breaker must not hold the queue.
      breaker: { threshold: 1_000_000 },
      input: z.object({ gate: z.string().min(1).max(100) }).catchall(z.unknown()),
      process: async ({ input }) => {
        if ((await redis.exists(gateKey(input.gate))) === 0) {
          throw new Error(`gate ${input.gate} is closed`);
        }
        return { summary: `gate ${input.gate} was open` };
      },
    }),
    defineJob({
      queue: E2E_QUEUE.hold,
      // The server pauses this queue at start, so its jobs stay waiting until a test drains or resumes it.
      description: 'Paused at start: its jobs wait (end-to-end tests)',
      timeoutMs: 5_000,
      input: anyInput,
      process: async () => ({ summary: 'done' }),
    }),
  ];
}
