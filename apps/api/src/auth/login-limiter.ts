// Login rate limit shared by every instance: failure counters live in Redis under the queue prefix,
// keyed by a hash of the user name (so arbitrary input never becomes an arbitrary key) and by address.
import { createHash } from 'node:crypto';
import { bullpenKeys, type RedisClient } from '@bullpen/jobs';
import { ApiError } from '../http/api-error.js';

export interface LoginLimiterOptions {
  redis: RedisClient;
  prefix: string;
  maxFailures: number;
  windowSeconds: number;
}

const hash = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 32);

export class LoginLimiter {
  constructor(private readonly options: LoginLimiterOptions) {}

  private keys(username: string, ip: string) {
    // Bullpen's own hash tag: the MULTI below touches both keys, which a cluster allows only in one slot.
    const base = bullpenKeys(this.options.prefix).loginFailures;
    return { user: `${base}:user:${hash(username.toLowerCase())}`, ip: `${base}:ip:${hash(ip)}` };
  }

  /** Throws 429 when this name or address has failed too often within the window. */
  async check(username: string, ip: string): Promise<void> {
    const keys = this.keys(username, ip);
    const [user, address, ttl] = await Promise.all([
      this.options.redis.get(keys.user),
      this.options.redis.get(keys.ip),
      this.options.redis.pttl(keys.user),
    ]);
    const { maxFailures, windowSeconds } = this.options;
    if (Number(user ?? 0) >= maxFailures || Number(address ?? 0) >= maxFailures * 5) {
      const retryAfterSeconds = Math.max(1, Math.ceil((ttl > 0 ? ttl : windowSeconds * 1000) / 1000));
      throw new ApiError(429, 'RATE_LIMITED', 'Too many failed sign-ins; wait before trying again.', { retryAfterSeconds });
    }
  }

  async recordFailure(username: string, ip: string): Promise<void> {
    const keys = this.keys(username, ip);
    const window = this.options.windowSeconds;
    // NX: the window starts at the first failure and is not extended by later ones.
    await this.options.redis.multi().incr(keys.user).expire(keys.user, window, 'NX').incr(keys.ip).expire(keys.ip, window, 'NX').exec();
  }

  async recordSuccess(username: string, ip: string): Promise<void> {
    await this.options.redis.del(this.keys(username, ip).user);
  }
}
