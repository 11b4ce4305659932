/**
 * The one place that turns Redis settings into ioredis connections. Three deployments:
 * - `standalone`: one node, by URL (`redis://` or `rediss://`, credentials in the URL or below).
 * - `cluster`: Redis Cluster from seed nodes; ioredis discovers the rest and follows MOVED/ASK.
 * - `sentinel`: a master found through Sentinel by name; after a failover ioredis asks the sentinels
 *   again and reconnects to the new master.
 *
 * And two kinds of connection, as BullMQ needs them, whatever the deployment:
 * - `worker`: retries forever (`maxRetriesPerRequest: null`), so a Redis restart or failover pauses work
 *   instead of failing it. BullMQ requires this for workers.
 * - `producer`: fails fast (no offline queue, one retry), so an API request answers 503 at once when
 *   Redis is down instead of hanging.
 */
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';

export interface RedisEndpoint {
  host: string;
  port: number;
}

interface RedisAuthAndTls {
  /** ACL user name (Redis 6+). For `standalone` a user in the URL counts too. */
  username?: string | undefined;
  password?: string | undefined;
  /** TLS to the Redis nodes. For `standalone`, `rediss://` turns it on as well. */
  tls?: { ca?: string | undefined; rejectUnauthorized?: boolean | undefined } | undefined;
  /**
   * Replicas that must have a job before `enqueue` reports it added (Redis `WAIT`). Replication is
   * asynchronous: without this, a job acknowledged just before a failover can be missing on the
   * promoted replica. Default 0 (do not wait). Not for clusters (WAIT is per node).
   */
  waitForReplicas?: number | undefined;
}

export type RedisSettings =
  | (RedisAuthAndTls & { mode: 'standalone'; url: string })
  | (RedisAuthAndTls & { mode: 'cluster'; nodes: readonly RedisEndpoint[] })
  | (RedisAuthAndTls & {
      mode: 'sentinel';
      sentinels: readonly RedisEndpoint[];
      /** The master group name the sentinels monitor (`sentinel monitor <name> …`). */
      name: string;
      /** Sentinels' own credentials, when they differ from the master's (`requirepass` on the sentinels). */
      sentinelUsername?: string | undefined;
      sentinelPassword?: string | undefined;
    });

/** A Redis URL is shorthand for a standalone node. */
export type RedisTarget = string | RedisSettings;

/** Either connection type: BullMQ and Bullpen use only what both offer. */
export type RedisClient = Redis | Cluster;

export type ConnectionKind = 'worker' | 'producer';

function settingsOf(target: RedisTarget): RedisSettings {
  return typeof target === 'string' ? { mode: 'standalone', url: target } : target;
}

function kindOptions(kind: ConnectionKind): RedisOptions {
  return kind === 'worker'
    ? { maxRetriesPerRequest: null, enableReadyCheck: true }
    : {
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
        connectTimeout: 2_000,
        commandTimeout: 5_000,
        retryStrategy: (times) => Math.min(times * 200, 2_000),
      };
}

function authOptions(settings: RedisSettings): RedisOptions {
  return {
    ...(settings.username ? { username: settings.username } : {}),
    ...(settings.password ? { password: settings.password } : {}),
    ...(settings.tls ? { tls: { ...(settings.tls.ca ? { ca: settings.tls.ca } : {}), rejectUnauthorized: settings.tls.rejectUnauthorized ?? true } } : {}),
  };
}

/**
 * After a failover a client may still talk to the old master: demoted, it answers writes with READONLY;
 * with `min-replicas-to-write`, it refuses them with NOREPLICAS as soon as its replica is promoted.
 * Either way: reconnect (Sentinel names the new master) and resend the command.
 */
const reconnectAfterFailover = (err: Error): 1 | 2 | false => (/^(READONLY|NOREPLICAS)/.test(err.message) ? 2 : false);

/** A standalone URL gives a plain `Redis`; settings give whichever their mode needs. */
export function createRedis(url: string, kind: ConnectionKind, extra?: RedisOptions): Redis;
export function createRedis(target: RedisTarget, kind: ConnectionKind, extra?: RedisOptions): RedisClient;
export function createRedis(target: RedisTarget, kind: ConnectionKind, extra: RedisOptions = {}): RedisClient {
  const settings = settingsOf(target);
  const base = kindOptions(kind);
  switch (settings.mode) {
    case 'standalone':
      return new Redis(settings.url, { lazyConnect: false, ...base, ...authOptions(settings), ...extra });
    case 'sentinel':
      return new Redis({
        lazyConnect: false,
        ...base,
        ...authOptions(settings),
        sentinels: settings.sentinels.map(({ host, port }) => ({ host, port })),
        name: settings.name,
        ...(settings.sentinelUsername ? { sentinelUsername: settings.sentinelUsername } : {}),
        ...(settings.sentinelPassword ? { sentinelPassword: settings.sentinelPassword } : {}),
        ...(settings.tls ? { enableTLSForSentinelMode: true, sentinelTLS: authOptions(settings).tls! } : {}),
        // Subscribe to the sentinels' +switch-master so a failover is noticed at once, not at the next error.
        failoverDetector: true,
        reconnectOnError: reconnectAfterFailover,
        ...extra,
      });
    case 'cluster': {
      const { enableOfflineQueue, retryStrategy, ...nodeOptions } = base;
      const options: ClusterOptions = {
        lazyConnect: false,
        enableReadyCheck: true,
        // Node connections get the per-request policy, timeouts and credentials; the cluster object
        // owns the offline queue and reconnection (ioredis' split).
        redisOptions: { ...nodeOptions, ...authOptions(settings), ...extra },
        ...(enableOfflineQueue === false ? { enableOfflineQueue: false } : {}),
        ...(retryStrategy ? { clusterRetryStrategy: (times: number) => retryStrategy(times) ?? null } : {}),
      };
      return new Cluster(settings.nodes.map(({ host, port }) => ({ host, port })), options);
    }
  }
}

/** How a deployment is named in messages and logs, without credentials. */
export function describeRedis(target: RedisTarget): string {
  const settings = settingsOf(target);
  switch (settings.mode) {
    case 'standalone': {
      try {
        const url = new URL(settings.url);
        return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
      } catch {
        return 'the Redis URL';
      }
    }
    case 'cluster':
      return `Redis Cluster (seeds ${settings.nodes.map((n) => `${n.host}:${n.port}`).join(', ')})`;
    case 'sentinel':
      return `Redis master "${settings.name}" via Sentinel (${settings.sentinels.map((n) => `${n.host}:${n.port}`).join(', ')})`;
  }
}

/**
 * Every master: the one node of a standalone or Sentinel deployment, each master of a cluster. For
 * the few commands that are per node rather than per key (SCAN, CLIENT LIST, CONFIG GET, INFO).
 */
export function masters(redis: RedisClient): Redis[] {
  return redis instanceof Cluster ? redis.nodes('master') : [redis];
}
