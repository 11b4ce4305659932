// Test support for the API's integration tests (imported only by *.int.test.ts): a real runtime on a
// fresh queue prefix, a fresh PostgreSQL database, an app, one signed-in user per role, and a cleanup
// that drops the database and deletes the prefix's keys with SCAN.
import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@bullpen/db/testing';
import { createRedis, SecretMasker, startRuntime, type AlertEngine, type AnyJobDefinition, type JobRuntime, type RuntimeOptions, type RuntimeRoles } from '@bullpen/jobs';
import { deleteKeysUnder } from '@bullpen/jobs/testing';
import type { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import request from 'supertest';
import { createApp, type OpsApp } from './app.js';
import { createAlertEngine } from './ops/alerts.js';
import { createUser } from './auth/users.js';
import { loadConfig, type Config } from './config.js';
import type { OpsRole } from './auth/roles.js';

export const PASSWORDS: Record<OpsRole, string> = { viewer: 'viewer-password-1', operator: 'operator-password-1', admin: 'admin-password-123' };

export interface Credentials {
  cookie: string;
  csrfToken: string;
}

export interface Harness {
  app: OpsApp;
  runtime: JobRuntime;
  alerts: AlertEngine;
  database: TestDatabase;
  config: Config;
  prefix: string;
  redisUrl: string;
  as: Record<OpsRole, Credentials>;
  login(username: string, password: string): Promise<Credentials>;
  close(): Promise<void>;
}

export const testRedisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return found;
}


export async function startHarness(options: {
  definitions: readonly AnyJobDefinition[];
  roles?: RuntimeRoles;
  redisUrl?: string;
  env?: Record<string, string>;
  eventsIntervalMs?: number;
  prefix?: string;
  database?: TestDatabase;
  /** Default: a silent pino logger (TEST_LOG_LEVEL to see it). */
  logger?: Logger;
  /** Runtime options on top of the harness's (e.g. a short lock for stall tests). */
  runtime?: Partial<RuntimeOptions>;
  /** Run the alert engine's job types (evaluation, delivery) and failure listener on the runtime. */
  alertJobs?: boolean;
}): Promise<Harness> {
  const prefix = options.prefix ?? `bpapi-${randomBytes(5).toString('hex')}`;
  const redisUrl = options.redisUrl ?? testRedisUrl;
  const database = options.database ?? (await createTestDatabase());
  const logger = options.logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  // A cluster or Sentinel set-up comes in through env (REDIS_CLUSTER_NODES, REDIS_SENTINELS), as in production.
  const redisEnv = options.env?.REDIS_CLUSTER_NODES || options.env?.REDIS_SENTINELS ? {} : { REDIS_URL: redisUrl };
  const config = loadConfig({ QUEUE_PREFIX: prefix, ...redisEnv, ROLES: 'http', ADMIN_USER: 'admin', ADMIN_PASSWORD: PASSWORDS.admin, LOG_LEVEL: 'silent', INSTANCE_ID: `test-${prefix}`, ...options.env });
  const alerts = createAlertEngine(config, database.db, logger);
  const runtime = await startRuntime({
    redis: config.REDIS,
    prefix,
    definitions: options.alertJobs ? [...options.definitions, ...alerts.jobs()] : options.definitions,
    onEvent: options.alertJobs ? alerts.onRuntimeEvent : undefined,
    db: database.db,
    logger,
    instanceId: config.INSTANCE_ID,
    version: 'test',
    roles: options.roles ?? { worker: false, scheduler: false },
    drainTimeoutMs: 5_000,
    connectTimeoutMs: 5_000,
    masker: new SecretMasker({ extraKeys: config.MASK_EXTRA_KEYS }),
    ...options.runtime,
  });
  alerts.attach(runtime);
  const app = createApp({ config, runtime, alerts, database, logger, version: 'test', eventsIntervalMs: options.eventsIntervalMs ?? 100 });
  await createUser(database.db, { username: 'viewer', password: PASSWORDS.viewer, role: 'viewer' });
  await createUser(database.db, { username: 'operator', password: PASSWORDS.operator, role: 'operator' });

  const login = async (username: string, password: string): Promise<Credentials> => {
    const res = await request(app).post('/api/v1/auth/login').send({ username, password });
    if (res.status !== 200) throw new Error(`login as ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
    const cookie = (res.headers['set-cookie'] as unknown as string[])[0]!.split(';')[0]!;
    return { cookie, csrfToken: (res.body as { csrfToken: string }).csrfToken };
  };
  const as = {
    viewer: await login('viewer', PASSWORDS.viewer),
    operator: await login('operator', PASSWORDS.operator),
    admin: await login('admin', PASSWORDS.admin),
  };
  return {
    app,
    runtime,
    alerts,
    database,
    config,
    prefix,
    redisUrl,
    as,
    login,
    async close() {
      await app.dispose();
      await runtime.close();
      await alerts.settle();
      const redis = createRedis(config.REDIS, 'worker');
      try {
        await deleteKeysUnder(redis, prefix);
      } finally {
        redis.disconnect();
      }
      if (!options.database) await database.drop();
    },
  };
}

/** Polls `check` until it returns a truthy value; fails after `timeoutMs`. For state with no event to await. */
export async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export interface RedisServer {
  port: number;
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  readonly running: boolean;
}

/** A private redis-server on its own port (no persistence), for tests that stop Redis or own the keyspace. */
export async function startRedisServer(port = 6390 + Math.floor(Math.random() * 2000)): Promise<RedisServer> {
  const { spawn } = await import('node:child_process');
  let child: import('node:child_process').ChildProcess | undefined;
  const start = async () => {
    const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server on ${port} did not start within 10 s`)), 10_000);
      let output = '';
      proc.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server on ${port} exited with ${code}: ${output.slice(-500)}`));
      });
    });
  };
  const stop = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start,
    stop,
    get running() {
      return child !== undefined && child.exitCode === null;
    },
  };
}
