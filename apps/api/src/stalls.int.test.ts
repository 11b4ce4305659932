// A job that blocks the event loop past its lock stalls for real (one process: the lock lapses during
// the spin, the runtime's own stalled check puts the job back, and its recovered run completes from the
// first run's receipt). The API shows the stall in the job view and counts it in /metrics.
import { deadLetters } from '@bullpen/db';
import { defineJob } from '@bullpen/jobs';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import type { Route } from './http/route-table.js';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, waitFor, type Harness } from './test-harness.js';

const spin = defineJob({
  queue: 'ops-spin',
  description: 'Blocks the event loop for 1.5 s',
  timeoutMs: 10_000,
  attempts: 1,
  input: z.record(z.string(), z.unknown()),
  async process() {
    const until = Date.now() + 1_500;
    while (Date.now() < until) {
      // spin: nothing can renew the 1 s lock meanwhile
    }
    return { summary: 'spun' };
  },
});

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    definitions: [spin],
    roles: { worker: true, scheduler: false },
    env: { METRICS_TOKEN: 'metrics-token-0123456789' },
    runtime: { lockDurationMs: 1_000, stalledIntervalMs: 300 },
  });
});
afterAll(async () => {
  await h?.close();
});

describe('stalls in the API', () => {
  it('shows a stalled job that completed as completed, with its stall in the job view and in /metrics', async () => {
    const job = await h.runtime.enqueue(spin.queue, {});
    type View = { stalledCount: number; timeline: Array<{ event: string }>; state: string };
    // Completed, and the stall noted (the note may land just after the recovered run completes).
    const view = await waitFor(async () => {
      const res = await request(h.app).get(`/api/v1/queues/${spin.queue}/jobs/${job.id}`).set('Cookie', h.as.viewer.cookie);
      const body = res.body as View;
      return body.state === 'completed' && body.timeline.some((e) => e.event === 'stalled') ? body : undefined;
    }, 20_000, 'the stalled job to complete and its stall to be noted');
    expect(view.stalledCount).toBeGreaterThanOrEqual(1);
    expect(view.timeline.filter((e) => e.event === 'stalled')).toHaveLength(view.stalledCount);
    // The stall's fields and timeline event are in the declared contract (contract.int.test has no stalled job).
    const route = (h.app.routes as readonly Route[]).find((r) => r.method === 'get' && r.path === '/queues/:queue/jobs/:id')!;
    expect(route.response.safeParse(view).error?.issues).toBeUndefined();
    expect(await h.database.db.select().from(deadLetters).where(eq(deadLetters.jobId, job.id!))).toEqual([]);

    const counted = `bullpen_job_stalls_total{queue="${spin.queue}"} ${view.stalledCount}`;
    await waitFor(async () => {
      const metrics = await request(h.app).get('/metrics').set('Authorization', 'Bearer metrics-token-0123456789');
      return metrics.text.includes(counted);
    }, 5_000, counted);
  });
});
