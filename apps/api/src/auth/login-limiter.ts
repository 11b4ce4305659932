// Login rate limit shared by every instance, in Redis under the queue prefix. Keys hold hashes of the
// user name and address, so arbitrary input never becomes an arbitrary key.
//
// Count first: every sign-in attempt is counted by one Lua script *before* the password is checked,
// so a burst of concurrent attempts cannot slip past the limit between a check and a count. A
// success gives its count back.
//
// What is limited: failures of one user name from one address (the pair), and failures from one
// address over any names. Never a user name on its own: an attacker elsewhere must not be able to
// lock a real operator out. Each time a counter crosses its limit again within a day, its lock lasts
// twice as long (backoff), up to a day.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ApiError } from '../http/api-error.js';

export interface LoginLimiterOptions {
  redis: Redis;
  prefix: string;
  /** Failed sign-ins of one user name from one address within the window before 429. */
  maxFailures: number;
  /** Failed sign-ins from one address, over any names, within the window before 429. Default 5 × maxFailures. */
  maxFailuresPerAddress?: number | undefined;
  windowSeconds: number;
}

const hash = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 32);

const DAY_MS = 86_400_000;

// KEYS: pair counter, address counter, pair strikes, address strikes.
// ARGV: pair limit, address limit, window ms.
// Returns {allowed (1/0), retry-after ms}.
const ATTEMPT = `
local window = tonumber(ARGV[3])
local function count(key, strikes, limit)
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('PEXPIRE', key, window) end
  if n == limit + 1 then
    local s = redis.call('INCR', strikes)
    redis.call('PEXPIRE', strikes, ${DAY_MS})
    local lock = math.min(window * 2 ^ (s - 1), ${DAY_MS})
    redis.call('PEXPIRE', key, lock)
  end
  if n > limit then
    local ttl = redis.call('PTTL', key)
    if ttl < 0 then ttl = window end
    return ttl
  end
  return 0
end
local pair = count(KEYS[1], KEYS[3], tonumber(ARGV[1]))
local addr = count(KEYS[2], KEYS[4], tonumber(ARGV[2]))
local wait = math.max(pair, addr)
if wait > 0 then return {0, wait} end
return {1, 0}
`;

// A success: the pair starts afresh and the attempt is taken back from the address's count.
const SUCCEEDED = `
redis.call('DEL', KEYS[1])
local n = redis.call('DECR', KEYS[2])
if n <= 0 then redis.call('DEL', KEYS[2]) end
return 1
`;

export class LoginLimiter {
  constructor(private readonly options: LoginLimiterOptions) {}

  private keys(username: string, ip: string) {
    const base = `${this.options.prefix}:bullpen:login-failures`;
    const pair = hash(`${username.toLowerCase()}\n${ip}`);
    const address = hash(ip);
    return [`${base}:pair:${pair}`, `${base}:ip:${address}`, `${base}:pair-strikes:${pair}`, `${base}:ip-strikes:${address}`];
  }

  /**
   * Counts an attempt before the password is checked; throws 429 when the pair or the address is over
   * its limit. Call `succeeded` after a correct password.
   */
  async attempt(username: string, ip: string): Promise<void> {
    const { maxFailures, windowSeconds } = this.options;
    const perAddress = this.options.maxFailuresPerAddress ?? maxFailures * 5;
    const [allowed, waitMs] = (await this.options.redis.eval(ATTEMPT, 4, ...this.keys(username, ip), maxFailures, perAddress, windowSeconds * 1000)) as [number, number];
    if (allowed !== 1) {
      throw new ApiError(429, 'RATE_LIMITED', 'Too many failed sign-ins; wait before trying again.', { retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) });
    }
  }

  async succeeded(username: string, ip: string): Promise<void> {
    const [pair, address] = this.keys(username, ip);
    await this.options.redis.eval(SUCCEEDED, 2, pair!, address!);
  }
}

/** A typed user name as logs and the audit log may hold it: a password typed into the name field must not land there. */
export function redactedUsername(typed: string): string {
  return `${typed.slice(0, 2)}…#${hash(typed).slice(0, 12)}`;
}
