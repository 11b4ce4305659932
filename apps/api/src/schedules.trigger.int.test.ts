// Concurrent "run now" clicks on one schedule: each trigger is its own job. (Ids made from the
// millisecond merged same-millisecond triggers into one job and handed callers somebody else's id.)
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-harness.js';
import { testDefinitions } from './test-jobs.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ definitions: testDefinitions });
  // Paused, so the triggered jobs stay waiting where the test can count them.
  await h.runtime.queue('ops-tick')!.pause();
});
afterAll(async () => {
  await h?.close();
});

describe('POST /schedules/:id/trigger', () => {
  it('makes one job per call when 30 operators click at once', async () => {
    const { cookie, csrfToken } = h.as.operator;
    const replies = await Promise.all(
      Array.from({ length: 30 }, () => request(h.app).post('/api/v1/schedules/ops-tick/trigger').set('Cookie', cookie).set('X-CSRF-Token', csrfToken).send({})),
    );
    expect(replies.map((r) => r.status)).toEqual(Array.from({ length: 30 }, () => 202));
    const ids = replies.map((r) => (r.body as { jobId: string }).jobId);
    expect(new Set(ids).size).toBe(30);
    const queue = h.runtime.queue('ops-tick')!;
    const waiting = await queue.getJobs(['wait'], 0, 99);
    expect(waiting.filter((j) => j.id?.startsWith('manual-')).map((j) => j.id).sort()).toEqual([...ids].sort());
  });
});
