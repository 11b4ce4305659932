// A dead instance's heartbeat and breaker states expire: the API and /metrics read only live instances.
import { describe, expect, it } from 'vitest';
import { alwaysFails } from '../../test/fixtures/definitions.js';
import { deletePrefix, redisUrl, silentLogger, startFixture, uniquePrefix, useFixtureEnvironment, waitFor } from '../../test/support.js';
import { bullpenKeys } from './keys.js';
import { startRuntime } from './runtime.js';

const BEAT_MS = 300;

describe('cluster state of dead instances', () => {
  const fixtures = useFixtureEnvironment();

  it('stops showing a SIGKILLed instance and its open breaker within three heartbeats, and deletes their entries', async () => {
    const prefix = uniquePrefix('cluster-state');
    const keys = bullpenKeys(prefix);
    const observer = await startRuntime({
      redisUrl,
      prefix,
      definitions: [alwaysFails],
      db: fixtures.database.db,
      logger: silentLogger,
      roles: { worker: false, scheduler: false },
      heartbeatEveryMs: BEAT_MS,
    });
    try {
      const doomed = startFixture('instance', {
        QUEUE_PREFIX: prefix,
        FIXTURE_TYPES: alwaysFails.queue,
        ROLES: 'worker',
        DATABASE_URL: fixtures.database.url,
        INSTANCE_ID: 'doomed',
        HEARTBEAT_EVERY_MS: String(BEAT_MS),
      });
      await doomed.waitForLine(/^READY$/);
      // Two jobs × three attempts: the breaker (threshold 5) opens on the doomed instance.
      await observer.enqueue(alwaysFails.queue, {});
      await observer.enqueue(alwaysFails.queue, {});
      await waitFor(async () => (await observer.clusterBreakerStates()).some((b) => b.instanceId === 'doomed' && b.state === 'open'), 20_000, 'the open breaker');
      expect((await observer.instances()).map((i) => i.instanceId)).toEqual(['doomed', observer.instanceId].sort());

      doomed.kill('SIGKILL');
      await doomed.exited;
      const killedAt = performance.now();
      await waitFor(async () => (await observer.clusterBreakerStates()).length === 0, 10_000, 'the dead breaker to vanish');
      expect((await observer.instances()).map((i) => i.instanceId)).toEqual([observer.instanceId]);
      expect(performance.now() - killedAt).toBeLessThan(3 * BEAT_MS + 3_000);
      // Not only hidden: the observer's heartbeats delete the entries.
      await waitFor(async () => {
        const [breakers, instances, seen] = await Promise.all([
          fixtures.redis.hkeys(keys.breakers),
          fixtures.redis.hkeys(keys.instances),
          fixtures.redis.zrange(keys.instancesSeen, '0', '-1'),
        ]);
        return breakers.length === 0 && instances.join() === observer.instanceId && seen.join() === observer.instanceId;
      }, 5_000, 'the dead entries to be deleted');
    } finally {
      await observer.close();
      await deletePrefix(prefix);
    }
  }, 60_000);
});
