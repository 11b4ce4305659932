// The only module of the API that reads process.env. Parsed once at start; a bad value stops the
// process with a message naming the variable.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { RedisEndpoint, RedisSettings } from '@bullpen/jobs';
import { z } from 'zod';

const ROLE_NAMES = ['http', 'worker', 'scheduler'] as const;
export type Role = (typeof ROLE_NAMES)[number];

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const milliseconds = (fallback: number) => z.coerce.number().int().positive().max(3_600_000).default(fallback);

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** `host:port,host:port`; IPv6 hosts in brackets (`[::1]:6379`). */
const endpoints = z.string().transform((value, ctx): RedisEndpoint[] => {
  const out: RedisEndpoint[] = [];
  for (const entry of value.split(',').map((e) => e.trim()).filter(Boolean)) {
    const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})$/.exec(entry);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65_535) {
      ctx.addIssue({ code: 'custom', message: `expected host:port entries separated by commas; "${entry}" is not one` });
      return z.NEVER;
    }
    out.push({ host: match[1]!.replace(/^\[|\]$/g, ''), port });
  }
  if (out.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'expected at least one host:port' });
    return z.NEVER;
  }
  return out;
});

export const configSchema = z.object({
  /** 0 picks a free port (tests). */
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  /** Bind address. */
  HOST: z.string().min(1).default('0.0.0.0'),
  /** A standalone Redis (the default). Leave unset when REDIS_CLUSTER_NODES or REDIS_SENTINELS is set. */
  REDIS_URL: z.url({ protocol: /^rediss?$/, message: 'expected a redis:// or rediss:// URL' }).optional(),
  /** Redis Cluster: seed nodes; the client discovers the rest. */
  REDIS_CLUSTER_NODES: endpoints.optional(),
  /** Redis with Sentinel: the sentinels, and the master group name they monitor. */
  REDIS_SENTINELS: endpoints.optional(),
  REDIS_SENTINEL_NAME: z.string().regex(/^[\w.-]{1,100}$/, 'letters, digits, ., _ and - only').optional(),
  /** Credentials of the Redis nodes (ACL user optional); for REDIS_URL they may be in the URL instead. */
  REDIS_USERNAME: z.string().min(1).max(256).optional(),
  REDIS_PASSWORD: z.string().min(1).max(512).optional(),
  /** The sentinels' own credentials, when they differ from the nodes'. */
  REDIS_SENTINEL_USERNAME: z.string().min(1).max(256).optional(),
  REDIS_SENTINEL_PASSWORD: z.string().min(1).max(512).optional(),
  /** TLS to every Redis node (and sentinel). `rediss://` in REDIS_URL turns it on too. */
  REDIS_TLS: bool.default(false),
  /** PEM file of the CA that signed the Redis servers' certificates; unset: the system's CAs. */
  REDIS_TLS_CA_FILE: z.string().min(1).optional(),
  /** Replicas that must have an added job before it counts as added (Redis WAIT); 0: do not wait. */
  REDIS_WAIT_REPLICAS: z.coerce.number().int().min(0).max(16).default(0),
  /** Unset: the embedded PGlite database under PGLITE_DATA_DIR. */
  /** How long start waits for Redis before giving up with a clear message. */
  REDIS_CONNECT_TIMEOUT_MS: milliseconds(10_000),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, message: 'expected a postgres:// URL' }).optional(),
  /**
   * The owner's URL, used only to migrate at start; the app itself then connects with DATABASE_URL
   * as a role that may only insert into and read the audit log (see README, "Database roles").
   * Unset: migrations run over DATABASE_URL.
   */
  MIGRATION_DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, message: 'expected a postgres:// URL' }).optional(),
  PGLITE_DATA_DIR: z.string().min(1).default('.data/pglite'),
  QUEUE_PREFIX: z
    .string()
    // No braces: each queue gets its own hash tag after the prefix (keys.ts); a tag in the prefix would
    // put every queue in one slot, on one shard of a cluster.
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - and _ only, at most 64 (no {} hash tags: each queue gets its own)')
    .default('bullpen'),
  ROLES: z
    .string()
    .default('http,worker,scheduler')
    .transform((value, ctx) => {
      const roles = value.split(',').map((r) => r.trim()).filter(Boolean);
      const unknown = roles.filter((r) => !(ROLE_NAMES as readonly string[]).includes(r));
      if (roles.length === 0 || unknown.length > 0) {
        ctx.addIssue({ code: 'custom', message: `expected a comma-separated subset of ${ROLE_NAMES.join(',')}; got "${value}"` });
        return z.NEVER;
      }
      return new Set(roles as Role[]);
    }),
  DEMO: bool.default(false),
  DEMO_FAILURE_RATE: z.coerce.number().min(0).max(1).default(0.05),
  DRAIN_TIMEOUT_MS: milliseconds(25_000),
  LOCK_DURATION_MS: milliseconds(30_000),
  STALLED_INTERVAL_MS: milliseconds(30_000),
  /**
   * Most jobs this instance runs at once across all queues, highest priority first. Below the workers'
   * total concurrency (the catalog's is 19, plus Bullpen's own 2) or the pool never fills and priorities
   * across queues do nothing; below the database pool (10), so jobs line up for a slot in priority
   * order rather than for a connection in arrival order.
   */
  MAX_ACTIVE_JOBS: z.coerce.number().int().positive().max(10_000).default(8),
  /**
   * Longest an API request may take before it answers 503 TIMEOUT. Batched operations (drain, clean,
   * retry failed) stop starting batches after half of it and answer with their progress.
   */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `auto`: readable lines when stdout is a terminal, JSON lines otherwise. */
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  /** First admin's name; with ADMIN_PASSWORD, created at start if missing (never overwritten). */
  ADMIN_USER: z.string().regex(/^[\w.@-]{1,64}$/, 'letters, digits, ., _, @ and - only, at most 64').default('admin'),
  /** First admin's password. Unset: when no admin exists, one is generated and printed once. */
  ADMIN_PASSWORD: z.string().min(12, 'at least 12 characters').max(256).optional(),
  SESSION_TTL_HOURS: z.coerce.number().positive().max(24 * 30).default(12),
  /** Bearer token for Prometheus scrapes of /metrics. Unset: only an admin session may read it. */
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  /** Express "trust proxy": false, true, a hop count or a comma-separated list of addresses. */
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((v): boolean | number | string => (v === 'true' ? true : v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v)),
  /** Secure cookies: `auto` sets them when the request came over TLS (see TRUST_PROXY). */
  COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  /** Failed sign-ins of one user name from one address within LOGIN_WINDOW_SECONDS before 429. */
  LOGIN_MAX_FAILURES: z.coerce.number().int().positive().max(1_000).default(10),
  /** Failed sign-ins from one address over any names within the window before 429. Default 5 × LOGIN_MAX_FAILURES. */
  LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().positive().max(100_000).optional(),
  LOGIN_WINDOW_SECONDS: z.coerce.number().int().positive().max(86_400).default(900),
  /** More key names whose values are secrets, comma-separated (case and separators ignored), on top of the built-in patterns. */
  MASK_EXTRA_KEYS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((k) => k.trim()).filter(Boolean)),
  /** The console's address as operators reach it; alerts link into it. Default http://localhost:PORT. */
  PUBLIC_URL: z.url({ protocol: /^https?$/, message: 'expected an http:// or https:// URL' }).optional(),
  /** Let alert webhooks and SMTP reach loopback and private networks (an on-premise relay). Never link-local/metadata. */
  ALERTS_ALLOW_PRIVATE_NETWORKS: bool.default(false),
  /** Cadence of the periodic alert evaluation (threshold rules, follow-ups, resolved messages). */
  ALERTS_EVALUATE_EVERY_MS: milliseconds(30_000),
  /** Attempts per alert delivery (exponential backoff from 2 s) before it is recorded failed. */
  ALERT_DELIVERY_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  INSTANCE_ID: z.string().regex(/^[\w.-]{1,100}$/, 'letters, digits, ., _ and - only').default(`${hostname()}-${process.pid}`),
});

type ParsedEnvironment = z.infer<typeof configSchema>;

export type Config = Omit<ParsedEnvironment, 'REDIS_URL'> & {
  REDIS_URL: string;
  /** Where Redis is, from the REDIS_* variables: a standalone node, a cluster or a Sentinel-managed master. */
  REDIS: RedisSettings;
};

/** The REDIS_* variables as one deployment; problems are pushed as `VARIABLE: message`. */
function redisSettings(env: ParsedEnvironment, problems: string[]): RedisSettings {
  const chosen = (['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS'] as const).filter((name) => env[name] !== undefined);
  if (chosen.length > 1) problems.push(`${chosen[1]}: set only one of ${chosen.join(', ')} (a standalone node, a cluster or Sentinel)`);
  if (env.REDIS_SENTINELS && !env.REDIS_SENTINEL_NAME) problems.push('REDIS_SENTINEL_NAME: required with REDIS_SENTINELS (the master group name the sentinels monitor)');
  if (env.REDIS_SENTINEL_NAME && !env.REDIS_SENTINELS) problems.push('REDIS_SENTINEL_NAME: only meaningful with REDIS_SENTINELS');
  let ca: string | undefined;
  if (env.REDIS_TLS_CA_FILE) {
    try {
      ca = readFileSync(env.REDIS_TLS_CA_FILE, 'utf8');
    } catch (err) {
      problems.push(`REDIS_TLS_CA_FILE: cannot read "${env.REDIS_TLS_CA_FILE}" (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  const tls = env.REDIS_TLS || ca !== undefined ? { ca } : undefined;
  if (env.REDIS_WAIT_REPLICAS > 0 && env.REDIS_CLUSTER_NODES) problems.push('REDIS_WAIT_REPLICAS: not supported with REDIS_CLUSTER_NODES (WAIT applies to one node)');
  const common = { username: env.REDIS_USERNAME, password: env.REDIS_PASSWORD, tls, ...(env.REDIS_WAIT_REPLICAS > 0 ? { waitForReplicas: env.REDIS_WAIT_REPLICAS } : {}) };
  if (env.REDIS_CLUSTER_NODES) return { mode: 'cluster', nodes: env.REDIS_CLUSTER_NODES, ...common };
  if (env.REDIS_SENTINELS) {
    return {
      mode: 'sentinel',
      sentinels: env.REDIS_SENTINELS,
      name: env.REDIS_SENTINEL_NAME ?? '',
      sentinelUsername: env.REDIS_SENTINEL_USERNAME,
      sentinelPassword: env.REDIS_SENTINEL_PASSWORD,
      ...common,
    };
  }
  return { mode: 'standalone', url: env.REDIS_URL ?? DEFAULT_REDIS_URL, ...common };
}

/** Where operators reach the console: PUBLIC_URL, or this instance on localhost. */
export function publicUrl(config: Config): string {
  return config.PUBLIC_URL ?? `http://localhost:${config.PORT || 3000}`;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parses the environment; throws ConfigError listing every bad variable by name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means "not set", as in most .env files.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`));
  }
  const problems: string[] = [];
  const redis = redisSettings(parsed.data, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return { ...parsed.data, REDIS_URL: parsed.data.REDIS_URL ?? DEFAULT_REDIS_URL, REDIS: redis };
}
