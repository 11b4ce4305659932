import { Redis } from 'ioredis';
import { queuePrefix, redisUrl } from './environment.js';

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

// Deletes this run's BullMQ keys. SCAN in pages, never KEYS: the Redis may be shared and large.
export default async function globalTeardown(): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, connectTimeout: 5_000, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    let deleted = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${escapeGlob(queuePrefix)}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
    console.log(`e2e teardown: deleted ${deleted} Redis keys under "${queuePrefix}:"`);
  } finally {
    await redis.quit();
  }
}
