import { Redis, type RedisOptions } from 'ioredis';

/**
 * Two kinds of Redis connection, as BullMQ needs them:
 * - `worker`: retries forever (`maxRetriesPerRequest: null`), so a Redis restart pauses work instead of
 *   failing it. BullMQ requires this for workers.
 * - `producer`: fails fast (no offline queue, one retry), so an API request answers 503 at once when
 *   Redis is down instead of hanging.
 */
export function createRedis(url: string, kind: 'worker' | 'producer', extra: RedisOptions = {}): Redis {
  const options: RedisOptions =
    kind === 'worker'
      ? { maxRetriesPerRequest: null, enableReadyCheck: true }
      : {
          maxRetriesPerRequest: 1,
          enableOfflineQueue: false,
          connectTimeout: 2_000,
          commandTimeout: 5_000,
          retryStrategy: (times) => Math.min(times * 200, 2_000),
        };
  return new Redis(url, { lazyConnect: false, ...options, ...extra });
}
