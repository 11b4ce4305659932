// Outages are visible in the logs at LOG_LEVEL=info, once: a real instance (the entry point, as a child
// process) against a private redis-server that is stopped and restarted, and a PostgreSQL database that
// refuses connections for a while. Each connection (Redis producer, worker, subscriber; PostgreSQL) logs
// one warn when lost and one info when back, not one line per retry; BullMQ's own console warnings come
// out as JSON lines through pino like everything else.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, testServerUrl, type TestDatabase } from '@bullpen/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, waitFor, type RedisServer } from './test-harness.js';
import { createRedis } from '@bullpen/jobs';

const main = fileURLToPath(new URL('./main.ts', import.meta.url));
type Line = { level: number; msg: string; connection?: string; source?: string; [key: string]: unknown };

let redisServer: RedisServer;
let database: TestDatabase;
let child: ChildProcess | undefined;
const lines: Line[] = [];
const unparsed: string[] = [];

async function adminSql(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: testServerUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  redisServer = await startRedisServer();
  // A policy BullMQ warns about on its own, with console.warn.
  const admin = createRedis(redisServer.url, 'worker');
  await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
  admin.disconnect();
  database = await createTestDatabase();
});
afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
  await adminSql(`ALTER DATABASE ${database.name} ALLOW_CONNECTIONS true`).catch(() => undefined);
  await database?.drop();
  await redisServer?.stop();
});

const connectionLines = (connection: string, level: number) => lines.filter((l) => l.connection === connection && l.level === level);

describe('outage logs', () => {
  it('logs the loss and the recovery of each connection once, at warn and info', async () => {
    child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', main], {
      env: { ...process.env, REDIS_URL: redisServer.url, DATABASE_URL: database.url, PORT: '0', HOST: '127.0.0.1', QUEUE_PREFIX: 'outage-logs', LOG_LEVEL: 'debug', LOG_FORMAT: 'json', ADMIN_PASSWORD: 'outage-logs-password' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buffer = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      const complete = buffer.split('\n');
      buffer = complete.pop()!;
      for (const text of complete.filter(Boolean)) {
        try {
          lines.push(JSON.parse(text) as Line);
        } catch {
          unparsed.push(text);
        }
      }
    });
    const listening = await waitFor(() => lines.find((l) => l.msg.startsWith('Bullpen is listening')), 40_000, 'the instance to listen');
    const url = listening.url as string;
    // BullMQ's plain-text warning, as a pino line.
    expect(lines.find((l) => l.source === 'console' && /Eviction policy is allkeys-lru/.test(l.msg))?.level).toBe(40);

    // Redis goes away. Wait until every connection has retried many times (debug lines), then compare
    // what an operator at LOG_LEVEL=info would see.
    const atStop = lines.length;
    await redisServer.stop();
    const redisConnections = ['redis-producer', 'redis-worker', 'redis-subscriber'];
    await waitFor(() => redisConnections.every((c) => connectionLines(c, 40).length === 1), 15_000, 'a warn for each Redis connection');
    // Several seconds of retries (the producer backs off 200, 400, 600 … ms), dozens of failures in all.
    const stillDown = (c?: string) => lines.slice(atStop).filter((l) => l.msg.endsWith('connection still down') && (c === undefined || l.connection === c)).length;
    await waitFor(() => stillDown('redis-producer') >= 12 && stillDown() >= 30, 30_000, 'dozens of failed retries');
    await redisServer.start();
    await waitFor(() => redisConnections.every((c) => connectionLines(c, 30).length === 1), 20_000, 'an info for each Redis connection');

    const outage = lines.slice(atStop);
    for (const c of redisConnections) {
      expect(connectionLines(c, 40), c).toHaveLength(1);
      expect(connectionLines(c, 40)[0]!.msg).toBe(`${c} connection lost; retrying`);
      expect(connectionLines(c, 30)[0]!.msg).toMatch(new RegExp(`^${c} connection recovered after \\d+ ms$`));
    }
    // At info, the whole outage is a handful of lines, though the connections failed dozens of times.
    const visible = outage.filter((l) => l.level >= 30);
    expect(visible.length).toBeLessThan(20);
    expect(outage.length - visible.length).toBeGreaterThanOrEqual(30);

    // PostgreSQL: the database refuses connections and the open ones are cut; readiness queries it.
    await adminSql(`ALTER DATABASE ${database.name} ALLOW_CONNECTIONS false`);
    await adminSql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${database.name}' AND pid <> pg_backend_pid()`);
    for (let i = 0; i < 5; i++) expect((await fetch(`${url}/readyz`)).status).toBe(503);
    await waitFor(() => connectionLines('postgres', 40).length === 1, 10_000, 'a warn for PostgreSQL');
    await adminSql(`ALTER DATABASE ${database.name} ALLOW_CONNECTIONS true`);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    await waitFor(() => connectionLines('postgres', 30).length === 1, 10_000, 'an info for PostgreSQL');
    expect(connectionLines('postgres', 40)).toHaveLength(1);

    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    // Every line on stdout was JSON (nothing printed around pino).
    expect(unparsed).toEqual([]);
  }, 120_000);
});
