// A CPU-bound job that blocks its worker's event loop longer than the lock, on two instances: the lock
// lapses and the other instance runs the job again. The stall is logged and counted, and the job, which
// did complete, ends completed rather than failed "stalled" and a dead letter. Declaring a lock longer
// than the blocking stretch (lockDurationMs) avoids the stall altogether.
import { deadLetters } from '@bullpen/db';
import { QueueEvents } from 'bullmq';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { AnyJobDefinition } from '../definition.js';
import { cpuSpin, cpuSpinLongLock } from '../../test/fixtures/definitions.js';
import { deletePrefix, redisUrl, silentLogger, startFixture, uniquePrefix, useFixtureEnvironment, waitFor, type Fixture } from '../../test/support.js';
import { startRuntime } from './runtime.js';

const SPIN_MS = 6_000;

function jsonLines(fixture: Fixture): Array<Record<string, unknown>> {
  return fixture.lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('stalled jobs', () => {
  const fixtures = useFixtureEnvironment();

  /** Two instances with a 2 s lock run one 6 s spin of `type`; returns what a test needs to judge it. */
  async function spinOnTwoInstances(type: AnyJobDefinition) {
    const prefix = uniquePrefix('stalls');
    const producer = await startRuntime({
      redisUrl, prefix, definitions: [type], db: fixtures.database.db, logger: silentLogger, roles: { worker: false, scheduler: false },
    });
    const events = new QueueEvents(type.queue, { connection: { url: redisUrl }, prefix });
    try {
      await events.waitUntilReady();
      const instances = ['a', 'b'].map((id) =>
        startFixture('instance', {
          QUEUE_PREFIX: prefix, FIXTURE_TYPES: type.queue, ROLES: 'worker', DATABASE_URL: fixtures.database.url, INSTANCE_ID: id,
          LOCK_DURATION_MS: '2000', STALLED_INTERVAL_MS: '1000', LOG_TO_STDOUT: '1', TEST_LOG_LEVEL: 'warn',
        }),
      );
      await Promise.all(instances.map((i) => i.waitForLine(/^READY$/)));
      const job = await producer.enqueue(type.queue, { ms: SPIN_MS });
      const result = (await job.waitUntilFinished(events, 40_000)) as { status: string };
      // A dying instance's failures would be found by the reconciler: sweep now, as it would.
      await producer.reconcileDeadLetters();
      const letters = await fixtures.database.db.select().from(deadLetters).where(eq(deadLetters.jobId, job.id!));
      // The recovered run may complete before the recovering instance's log line and count land.
      const stallLines = () => instances.flatMap(jsonLines).filter((l) => l.msg === 'job stalled: its lock lapsed, so it was put back in its queue and runs again');
      await waitFor(async () => ((await producer.stallCounts())[type.queue] ?? 0) === stallLines().length, 5_000, 'every stall counted and logged');
      return {
        job,
        result,
        state: await job.getState(),
        letters,
        runs: instances.flatMap((i) => i.lines).filter((l) => l === `STARTED ${job.id}`).length,
        stallLogs: stallLines(),
        counted: (await producer.stallCounts())[type.queue] ?? 0,
        jobLog: (await producer.queue(type.queue)!.getJobLogs(job.id!)).logs,
      };
    } finally {
      await events.close();
      await producer.close();
      await deletePrefix(prefix);
    }
  }

  it('a 6 s CPU-bound job under a 2 s lock ends completed, not a dead letter; its stall is logged and counted', async () => {
    const outcome = await spinOnTwoInstances(cpuSpin);
    expect(outcome.result).toMatchObject({ status: 'ok' });
    expect(outcome.state).toBe('completed');
    expect(outcome.letters).toEqual([]);
    // It did stall: another instance took it again (at-least-once), and said so.
    expect(outcome.runs).toBeGreaterThanOrEqual(2);
    expect(outcome.stallLogs.length).toBeGreaterThanOrEqual(1);
    expect(outcome.stallLogs[0]).toMatchObject({ level: 40, queue: cpuSpin.queue, jobId: outcome.job.id, instanceId: expect.stringMatching(/^[ab]$/) });
    expect(outcome.counted).toBe(outcome.stallLogs.length);
    expect(outcome.jobLog.some((line) => line.startsWith('stalled at '))).toBe(true);
  }, 90_000);

  it('the same job declared with a lock longer than its blocking stretch runs once and never stalls', async () => {
    const outcome = await spinOnTwoInstances(cpuSpinLongLock);
    expect(outcome.state).toBe('completed');
    expect(outcome.runs).toBe(1);
    expect(outcome.stallLogs).toEqual([]);
    expect(outcome.counted).toBe(0);
  }, 90_000);
});
