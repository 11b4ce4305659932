import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { queuePrefix } from './keys.js';
import { schedAlpha } from '../../test/fixtures/definitions.js';
import { deletePrefix, redisUrl, silentLogger, startFixture, uniquePrefix, useFixtureEnvironment } from '../../test/support.js';
import { startRuntime } from './runtime.js';

const prefix = uniquePrefix('scheduling');
const scheduled = ['sched-alpha', 'sched-beta', 'sched-gamma'];
const ROUNDS = 10;
const INSTANCES = 3;

describe('scheduler reconciliation across instances', () => {
  const fixtures = useFixtureEnvironment();
  afterAll(async () => {
    await deletePrefix(prefix);
  });

  it(`leaves exactly one scheduler per scheduled type after ${ROUNDS} rounds of ${INSTANCES} concurrent restarts, none for a retired type`, async () => {
    for (let round = 1; round <= ROUNDS; round++) {
      // The last round is a deploy that dropped sched-gamma from the registry and retired it.
      const last = round === ROUNDS;
      const types = last ? ['sched-alpha', 'sched-beta', 'on-demand'] : [...scheduled, 'on-demand'];
      const instances = Array.from({ length: INSTANCES }, (_, i) =>
        startFixture('instance', {
          QUEUE_PREFIX: prefix,
          FIXTURE_TYPES: types.join(','),
          ROLES: 'scheduler',
          DATABASE_URL: fixtures.database.url,
          INSTANCE_ID: `round${round}-instance${i}`,
          ...(last ? { RETIRED_QUEUES: 'sched-gamma' } : {}),
        }),
      );
      await Promise.all(instances.map((f) => f.waitForLine(/^READY$/)));
      for (const f of instances) f.kill('SIGTERM');
      expect(await Promise.all(instances.map((f) => f.exited))).toEqual([0, 0, 0]);
    }

    const schedulersOf = async (name: string) => {
      const queue = new Queue(name, { connection: fixtures.redis, prefix: queuePrefix(prefix, name) });
      try {
        const counts = await queue.getJobCounts('waiting', 'delayed', 'prioritized');
        return {
          schedulers: await queue.getJobSchedulers(0, -1),
          pending: (counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0),
          future: counts.delayed ?? 0,
        };
      } finally {
        await queue.close();
      }
    };
    for (const name of ['sched-alpha', 'sched-beta']) {
      const { schedulers, pending } = await schedulersOf(name);
      expect(schedulers.map((s) => s.key)).toEqual([name]);
      // One pending run, not one per instance or per restart.
      expect(pending).toBe(1);
    }
    const beta = (await schedulersOf('sched-beta')).schedulers[0];
    expect(beta).toMatchObject({ pattern: '0 3 * * 1', tz: 'Europe/Paris' });
    const gamma = await schedulersOf('sched-gamma');
    expect(gamma.schedulers).toEqual([]);
    // Nothing more will be produced for it (a run it produced earlier is left for operators to see).
    expect(gamma.future).toBe(0);
    expect((await schedulersOf('on-demand')).schedulers).toEqual([]);
  }, 300_000);

  const schedulerKeys = async (name: string, on = prefix) => {
    const queue = new Queue(name, { connection: fixtures.redis, prefix: queuePrefix(on, name) });
    try {
      return (await queue.getJobSchedulers(0, -1)).map((s) => s.key);
    } finally {
      await queue.close();
    }
  };
  const runInstance = async (types: string[], env: Record<string, string> = {}, on = prefix) => {
    const instance = startFixture('instance', {
      QUEUE_PREFIX: on,
      FIXTURE_TYPES: types.join(','),
      ROLES: 'scheduler',
      DATABASE_URL: fixtures.database.url,
      ...env,
    });
    await instance.waitForLine(/^READY$/);
    instance.kill('SIGTERM');
    expect(await instance.exited).toBe(0);
  };

  it('keeps the scheduler of a type a newer version added when an older instance restarts, and obeys a retirement tombstone', async () => {
    // Its own prefix: the first test left a tombstone for sched-gamma.
    const deploy = uniquePrefix('scheduling-deploy');
    try {
      // The older version schedules sched-alpha and sched-gamma.
      await runInstance(['sched-alpha', 'sched-gamma'], {}, deploy);
      expect(await schedulerKeys('sched-gamma', deploy)).toEqual(['sched-gamma']);
      // The newer version adds sched-beta and retires sched-gamma.
      await runInstance(['sched-alpha', 'sched-beta'], { RETIRED_QUEUES: 'sched-gamma' }, deploy);
      expect(await schedulerKeys('sched-beta', deploy)).toEqual(['sched-beta']);
      expect(await schedulerKeys('sched-gamma', deploy)).toEqual([]);
      // An older instance restarts during the rolling deploy: it keeps sched-beta, which it does not
      // know, and obeys the tombstone for sched-gamma, which it still has.
      await runInstance(['sched-alpha', 'sched-gamma'], {}, deploy);
      expect(await schedulerKeys('sched-beta', deploy)).toEqual(['sched-beta']);
      expect(await schedulerKeys('sched-gamma', deploy)).toEqual([]);
    } finally {
      await deletePrefix(deploy);
    }
  }, 60_000);

  it('keeps a pause that lands while a restarting instance reconciles', async () => {
    await fixtures.redis.del(`${prefix}:test:release-reconcile`);
    const observer = await startRuntime({
      redisUrl,
      prefix,
      definitions: [schedAlpha],
      db: fixtures.database.db,
      logger: silentLogger,
      roles: { worker: false, scheduler: false },
    });
    try {
      await observer.resumeSchedule('sched-alpha');
      expect(await schedulerKeys('sched-alpha')).toEqual(['sched-alpha']);
      const restarting = startFixture('instance', {
        QUEUE_PREFIX: prefix,
        FIXTURE_TYPES: 'sched-alpha,sched-beta',
        ROLES: 'scheduler',
        DATABASE_URL: fixtures.database.url,
        HOLD_RECONCILE: 'sched-alpha',
      });
      // It has read "not paused" and is about to upsert; the operator pauses now.
      await restarting.waitForLine(/^RECONCILE-HOLD sched-alpha$/);
      await observer.pauseSchedule('sched-alpha');
      expect(await schedulerKeys('sched-alpha')).toEqual([]);
      await fixtures.redis.set(`${prefix}:test:release-reconcile`, '1');
      await restarting.waitForLine(/^READY$/);
      restarting.kill('SIGTERM');
      expect(await restarting.exited).toBe(0);

      expect(await schedulerKeys('sched-alpha')).toEqual([]);
      expect((await observer.schedules()).find((s) => s.id === 'sched-alpha')).toMatchObject({ paused: true, next: null });
      await observer.resumeSchedule('sched-alpha');
      expect(await schedulerKeys('sched-alpha')).toEqual(['sched-alpha']);
    } finally {
      await observer.close();
    }
  }, 60_000);
});
