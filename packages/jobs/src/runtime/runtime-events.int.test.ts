// What the runtime tells its listeners (alerting) leaves the instance: Slack, webhooks, mail, the
// in-app feed. It must pass the one secret masker like every other surface.
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineJob } from '../definition.js';
import { useWorkerRuntime, waitFor } from '../../test/support.js';
import type { RuntimeEvent } from './runtime.js';

const SECRET = 'hunter2-canary-5d1e';

const leaky = defineJob({
  queue: 'events-leaky',
  description: 'fails with a secret in its message',
  attempts: 1,
  timeoutMs: 2_000,
  breaker: { threshold: 1_000 },
  input: z.object({}).loose(),
  async process() {
    throw new Error(`upstream refused: password=${SECRET} for user ops`);
  },
});

const events: RuntimeEvent[] = [];

describe('runtime events', () => {
  const t = useWorkerRuntime('runtime-events', [leaky], { onEvent: (event) => events.push(event) });

  it('a failure and its dead letter reach listeners with secrets masked', async () => {
    const job = await t.runtime.enqueue(leaky.queue, {});
    await expect(job.waitUntilFinished(t.events, 15_000)).rejects.toThrow('upstream refused');
    const told = await waitFor(() => {
      const mine = events.filter((e) => 'jobId' in e && e.jobId === job.id);
      return mine.some((e) => e.type === 'dead-letter') ? mine : undefined;
    }, 10_000, 'the dead-letter event');
    const withErrors = told.filter((e): e is Extract<RuntimeEvent, { error: unknown }> => 'error' in e);
    expect(withErrors.map((e) => e.type).sort()).toEqual(['dead-letter', 'job-failed']);
    for (const event of withErrors) {
      expect(event.error.message).toContain('upstream refused: password=');
      expect(JSON.stringify(event)).not.toContain(SECRET);
    }
  });
});
