// Bullpen's own job types. They run on the same runtime as the game's, so they get the same
// retries, timeouts, exclusivity and dead letters.
import { z } from 'zod';
import { defineJob, type AnyJobDefinition } from '../definition.js';
import { QUEUE } from '../queue-names.js';

export interface SystemJobHooks {
  reconcileDeadLetters(signal: AbortSignal): Promise<number>;
  sweepOutbox(): Promise<{ relayed: number; pruned: number }>;
}

export interface SystemJobCadence {
  deadLetterSweepEveryMs: number;
  outboxSweepEveryMs: number;
}

const noInput = z.object({}).loose();

export function systemJobs(hooks: SystemJobHooks, cadence: SystemJobCadence): AnyJobDefinition[] {
  return [
    defineJob({
      queue: QUEUE.deadLetterReconciliation,
      description: 'Records dead letters that a crashed process did not get to write',
      schedule: { every: cadence.deadLetterSweepEveryMs },
      exclusive: true,
      timeoutMs: 120_000,
      attempts: 3,
      input: noInput,
      async process({ signal }) {
        const recorded = await hooks.reconcileDeadLetters(signal);
        return { summary: `${recorded} dead letters recorded by the sweep`, counts: { recorded } };
      },
    }),
    defineJob({
      queue: QUEUE.outboxRelay,
      description: 'Enqueues committed outbox rows that were not relayed right after their job, and prunes old relayed rows',
      schedule: { every: cadence.outboxSweepEveryMs },
      exclusive: true,
      timeoutMs: 60_000,
      attempts: 3,
      input: noInput,
      async process() {
        const { relayed, pruned } = await hooks.sweepOutbox();
        return { summary: `${relayed} outbox rows relayed, ${pruned} old relayed rows deleted`, counts: { relayed, pruned } };
      },
    }),
  ];
}
