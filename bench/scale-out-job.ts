// The job type of bench/scale-out.bench.ts, shared by the bench and its worker processes.
//   io:  waits 20 ms, like a job that calls another service or waits on the database, 10 at a time per
//        instance (the type's concurrency). One instance's throughput is bounded by its concurrency.
//   cpu: burns ~2 ms of CPU, one at a time per instance. Bounded by the cores of the machine.
import { defineJob, type AnyJobDefinition } from '@bullpen/jobs';
import { z } from 'zod';

export const SCALE_OUT_QUEUE = 'bench-scale-out';

export function scaleOutJob(work: 'io' | 'cpu'): AnyJobDefinition {
  return defineJob({
    queue: SCALE_OUT_QUEUE,
    description: `scale-out bench (${work})`,
    timeoutMs: 10_000,
    concurrency: work === 'io' ? 10 : 1,
    input: z.object({ n: z.number().int() }),
    async process() {
      if (work === 'io') {
        await new Promise((resolve) => setTimeout(resolve, 20));
      } else {
        const until = performance.now() + 2;
        while (performance.now() < until) {
          // busy: the work is the CPU time
        }
      }
      return { summary: 'done' };
    },
  });
}
