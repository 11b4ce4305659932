import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { queuePrefix } from './keys.js';
import { deletePrefix, startFixture, uniquePrefix, useFixtureEnvironment } from '../../test/support.js';

const prefix = uniquePrefix('scheduling');
const scheduled = ['sched-alpha', 'sched-beta', 'sched-gamma'];
const ROUNDS = 10;
const INSTANCES = 3;

describe('scheduler reconciliation across instances', () => {
  const fixtures = useFixtureEnvironment();
  afterAll(async () => {
    await deletePrefix(prefix);
  });

  it(`leaves exactly one scheduler per scheduled type after ${ROUNDS} rounds of ${INSTANCES} concurrent restarts, none for a removed type`, async () => {
    for (let round = 1; round <= ROUNDS; round++) {
      // The last round is a deploy that removed sched-gamma from the registry.
      const types = round === ROUNDS ? ['sched-alpha', 'sched-beta', 'on-demand'] : [...scheduled, 'on-demand'];
      const instances = Array.from({ length: INSTANCES }, (_, i) =>
        startFixture('instance', {
          QUEUE_PREFIX: prefix,
          FIXTURE_TYPES: types.join(','),
          ROLES: 'scheduler',
          DATABASE_URL: fixtures.database.url,
          INSTANCE_ID: `round${round}-instance${i}`,
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
});
