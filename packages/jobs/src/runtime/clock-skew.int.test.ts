// Three instances whose clocks disagree (libfaketime: −2 min, 0, +5 min) share one scheduled type and
// must keep its cadence: one run per slot, no faster and no slower than the schedule.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cadenceTick } from '../../test/fixtures/definitions.js';
import { deletePrefix, redisUrl, silentLogger, startFixture, uniquePrefix, useFixtureEnvironment, waitFor } from '../../test/support.js';
import { startRuntime } from './runtime.js';

const LIBFAKETIME = ['/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1', '/usr/lib/faketime/libfaketime.so.1'].find((p) => existsSync(p));
const EVERY_MS = 2_000;
const RUNS = 8;

function skewed(offset: string): Record<string, string> {
  if (!LIBFAKETIME) throw new Error('libfaketime not found: install the Debian package "faketime"');
  // Only the wall clock moves; timers (monotonic) keep real time, as on a machine with a wrong clock.
  return { LD_PRELOAD: LIBFAKETIME, FAKETIME: offset, FAKETIME_DONT_FAKE_MONOTONIC: '1' };
}

interface Run {
  jobId: string;
  slot: number;
  instance: string;
  /** Redis time of the run. */
  at: number;
}

describe('scheduling under clock skew', () => {
  const fixtures = useFixtureEnvironment();

  it(`keeps a ${EVERY_MS} ms cadence with three instances at −2 min, 0 and +5 min, and reports the skewed ones`, async () => {
    const prefix = uniquePrefix('clock-skew');
    try {
      const clocks = { behind: '-120s', exact: '+0s', ahead: '+300s' } as const;
      const instances = Object.entries(clocks).map(([name, offset]) =>
        startFixture('instance', {
          QUEUE_PREFIX: prefix,
          FIXTURE_TYPES: cadenceTick.queue,
          ROLES: 'worker,scheduler',
          DATABASE_URL: fixtures.database.url,
          INSTANCE_ID: name,
          HEARTBEAT_EVERY_MS: '500',
          PRINT_NOW: '1',
          ...skewed(offset),
        }),
      );
      const ready = await Promise.all(instances.map((f) => f.waitForLine(/^READY /, 60_000)));
      // The child's own Date.now() really is shifted.
      const shifts = ready.map((line) => Number(line.split(' ')[1]) - Date.now());
      expect(shifts[0]).toBeLessThan(-100_000);
      expect(Math.abs(shifts[1]!)).toBeLessThan(20_000);
      expect(shifts[2]).toBeGreaterThan(280_000);

      const key = `${prefix}:test:${cadenceTick.queue}:runs`;
      const runs = await waitFor(async () => {
        const list = (await fixtures.redis.lrange(key, 0, -1)).map((r) => JSON.parse(r) as Run);
        return list.length >= RUNS ? list : undefined;
      }, RUNS * EVERY_MS * 3 + 20_000, `${RUNS} runs`);

      // One run per slot, slots one cadence apart, and runs spaced like their slots in Redis time.
      const slots = runs.map((r) => r.slot);
      expect(new Set(slots).size).toBe(slots.length);
      const sample = runs.slice(0, RUNS);
      for (let i = 1; i < sample.length; i++) {
        expect(sample[i]!.slot - sample[i - 1]!.slot).toBe(EVERY_MS);
        expect(sample[i]!.at - sample[i - 1]!.at).toBeGreaterThan(EVERY_MS * 0.5);
      }
      const span = sample.at(-1)!.at - sample[0]!.at;
      expect(span).toBeGreaterThanOrEqual((RUNS - 1) * EVERY_MS * 0.9);
      expect(span).toBeLessThan((RUNS - 1) * EVERY_MS * 1.5 + 3_000);
      // Each run happened at its slot in Redis time, not minutes early or late.
      for (const run of sample) expect(Math.abs(run.at - run.slot)).toBeLessThan(3_000);

      // The instances view says which clocks are off.
      const observer = await startRuntime({
        redisUrl,
        prefix,
        definitions: [],
        db: fixtures.database.db,
        logger: silentLogger,
        roles: { worker: false, scheduler: false },
      });
      try {
        const view = await observer.instances();
        const of = (id: string) => view.find((i) => i.instanceId === id)!;
        expect(of('behind').clockSkewMs).toBeLessThan(-100_000);
        expect(Math.abs(of('exact').clockSkewMs!)).toBeLessThan(5_000);
        expect(of('ahead').clockSkewMs).toBeGreaterThan(280_000);
        expect(view.filter((i) => i.clockSkewed).map((i) => i.instanceId).sort()).toEqual(['ahead', 'behind']);
      } finally {
        await observer.close();
      }
      for (const f of instances) f.kill('SIGTERM');
      await Promise.all(instances.map((f) => f.exited));
    } finally {
      await deletePrefix(prefix);
    }
  }, 120_000);
});
