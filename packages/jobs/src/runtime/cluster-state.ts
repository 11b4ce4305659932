/**
 * What every instance publishes about itself in Redis: its heartbeat and its breakers' states.
 *
 * An entry lives while its instance heartbeats. States: live (seen within `staleMs` by Redis' clock)
 * → dead (silent longer: readers no longer list it) → deleted (the next heartbeat of any instance
 * removes the dead instance's heartbeat and breaker entries, and records it as lost for an hour, so
 * that alerting can say an instance died) → forgotten (the hour has passed, or it heartbeats again).
 * A graceful shutdown deletes its own entries at once and is not recorded as lost. Times are Redis' (`TIME` inside the scripts), so a machine's wrong clock neither
 * keeps a dead instance alive nor buries a live one.
 */
import type { RedisClient } from './connection.js';
import type { BreakerSnapshot } from './circuit-breaker.js';
import type { BullpenKeys } from './keys.js';

/**
 * One heartbeat, atomic: records the instance as seen now, expires every instance not seen for
 * ARGV[3] ms (recording it in the lost hash KEYS[4]), forgets lost entries older than ARGV[4] ms,
 * and deletes breaker entries of instances without a heartbeat. Breaker fields are
 * `queue|instanceId`; queue names never contain `|` (they are the QUEUE constants). Returns Redis' ms.
 */
const BEAT_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], now, ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[1])
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[3]))) do
  local heartbeat = redis.call('HGET', KEYS[1], id)
  if heartbeat then
    redis.call('HSET', KEYS[4], id, cjson.encode({ heartbeat = heartbeat, lastSeenAt = tonumber(redis.call('ZSCORE', KEYS[2], id)), lostAt = now }))
  end
  redis.call('HDEL', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
end
local lost = redis.call('HGETALL', KEYS[4])
for i = 1, #lost, 2 do
  if now - cjson.decode(lost[i + 1]).lostAt > tonumber(ARGV[4]) then redis.call('HDEL', KEYS[4], lost[i]) end
end
for _, field in ipairs(redis.call('HKEYS', KEYS[3])) do
  local id = string.match(field, '^[^|]*|(.*)$')
  if id and not redis.call('ZSCORE', KEYS[2], id) then redis.call('HDEL', KEYS[3], field) end
end
return now`;

/** The instances seen within ARGV[1] ms of Redis' now, with when. */
const LIVE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZRANGEBYSCORE', KEYS[1], now - tonumber(ARGV[1]), '+inf', 'WITHSCORES')`;

export type PublishedBreaker = BreakerSnapshot & { instanceId: string; at: number };

/** How long an instance that went silent is remembered as lost. */
export const LOST_INSTANCE_MEMORY_MS = 3_600_000;

export class ClusterState {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: BullpenKeys,
    /** An instance silent for longer than this is dead. */
    private readonly staleMs: number,
  ) {}

  /** Publishes a heartbeat and expires dead instances. Returns Redis' time (ms) of the beat. */
  async beat(instanceId: string, heartbeat: object): Promise<number> {
    const { instances, instancesSeen, breakers, instancesLost } = this.keys;
    return (await this.redis.eval(
      BEAT_SCRIPT, 4, instances, instancesSeen, breakers, instancesLost,
      instanceId, JSON.stringify(heartbeat), String(this.staleMs), String(LOST_INSTANCE_MEMORY_MS),
    )) as number;
  }

  /** Instances that went silent (not those that stopped gracefully) within the last hour, newest loss first. */
  async lost<T extends { instanceId: string }>(): Promise<Array<T & { lastSeenAt: number; lostAt: number }>> {
    const all = await this.redis.hgetall(this.keys.instancesLost);
    return Object.values(all)
      .map((value) => JSON.parse(value) as { heartbeat: string; lastSeenAt: number; lostAt: number })
      .map(({ heartbeat, lastSeenAt, lostAt }) => ({ ...(JSON.parse(heartbeat) as T), lastSeenAt, lostAt }))
      .sort((a, b) => b.lostAt - a.lostAt);
  }

  /** Live instances: id → last seen (Redis ms). */
  async live(): Promise<Map<string, number>> {
    const flat = (await this.redis.eval(LIVE_SCRIPT, 1, this.keys.instancesSeen, String(this.staleMs))) as string[];
    const live = new Map<string, number>();
    for (let i = 0; i < flat.length; i += 2) live.set(flat[i]!, Number(flat[i + 1]));
    return live;
  }

  /** Heartbeats of live instances, with `lastSeenAt` in Redis time. */
  async heartbeats<T extends { instanceId: string }>(): Promise<Array<T & { lastSeenAt: number }>> {
    const [all, live] = await Promise.all([this.redis.hgetall(this.keys.instances), this.live()]);
    return Object.entries(all)
      .filter(([id]) => live.has(id))
      .map(([id, value]) => ({ ...(JSON.parse(value) as T), lastSeenAt: live.get(id)! }));
  }

  /** Breaker states published by live instances. */
  async breakers(): Promise<PublishedBreaker[]> {
    const [all, live] = await Promise.all([this.redis.hgetall(this.keys.breakers), this.live()]);
    return Object.values(all)
      .map((value) => JSON.parse(value) as PublishedBreaker)
      .filter((b) => live.has(b.instanceId));
  }

  /** Deletes an instance's own entries (graceful shutdown). */
  async farewell(instanceId: string): Promise<void> {
    const own = (await this.redis.hkeys(this.keys.breakers)).filter((field) => field.endsWith(`|${instanceId}`));
    const farewell = this.redis.multi().hdel(this.keys.instances, instanceId).zrem(this.keys.instancesSeen, instanceId);
    if (own.length > 0) farewell.hdel(this.keys.breakers, ...own);
    await farewell.exec();
  }
}
