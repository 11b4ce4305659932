// Shared test support for the runtime's integration tests: unique prefixes, Redis clean-up, child
// processes that are always stopped, and bounded waits.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '@bullpen/db/testing';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { AnyJobDefinition } from '../src/definition.js';
import { deleteKeysUnder } from '../src/testing.js';
import { queuePrefix } from '../src/runtime/keys.js';
import { startRuntime, type JobRuntime, type RuntimeOptions } from '../src/runtime/runtime.js';

export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const silentLogger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export function uniquePrefix(name: string): string {
  return `test-${name}-${randomBytes(4).toString('hex')}`;
}

/** Deletes every key under `prefix:` (SCAN, never KEYS). */
export async function deletePrefix(prefix: string): Promise<number> {
  const redis = new Redis(redisUrl);
  try {
    return await deleteKeysUnder(redis, prefix);
  } finally {
    redis.disconnect();
  }
}

/** Polls `check` until it returns a truthy value, at most `timeoutMs`. For conditions with no event. */
export async function waitFor<T>(check: () => Promise<T> | T, timeoutMs = 15_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface Fixture {
  child: ChildProcess;
  /** Every stdout line so far. */
  lines: string[];
  /** Resolves with the first stdout line matching `pattern` (past or future), bounded. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): void;
}

const running = new Set<ChildProcess>();

/** Starts `test/fixtures/<name>.ts` in a child Node process (TypeScript through tsx). */
export function startFixture(name: string, env: Record<string, string>): Fixture {
  const file = fileURLToPath(new URL(`./fixtures/${name}.ts`, import.meta.url));
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', file], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const lines: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  let buffer = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      lines.push(line);
      for (const waiter of [...waiters]) {
        if (waiter.pattern.test(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = once(child, 'exit').then(([code, signal]) => {
    running.delete(child);
    return (code as number | null) ?? (signal as string);
  });
  return {
    child,
    lines,
    exited,
    kill: (signal = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    waitForLine(pattern, timeoutMs = 45_000) {
      const seen = lines.find((l) => pattern.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`fixture ${name} printed no line matching ${pattern} within ${timeoutMs} ms; stderr: ${stderr}`));
        }, timeoutMs);
        const waiter = {
          pattern,
          resolve: (line: string) => {
            clearTimeout(timer);
            resolve(line);
          },
        };
        waiters.push(waiter);
        void exited.then(() => {
          if (waiters.includes(waiter)) {
            clearTimeout(timer);
            reject(new Error(`fixture ${name} exited before printing ${pattern}; stderr: ${stderr}`));
          }
        });
      });
    },
  };
}

/** Kills every fixture still running; call in afterEach/afterAll. */
export async function stopAllFixtures(): Promise<void> {
  const children = [...running];
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? once(c, 'exit') : undefined)));
}

export interface RuntimeUnderTest {
  prefix: string;
  database: TestDatabase;
  runtime: JobRuntime;
  /** QueueEvents of the first definition's queue, for job.waitUntilFinished. */
  events: QueueEvents;
}

/**
 * For a test file: before all tests, a worker-role runtime with `definitions` on its own queue prefix
 * and its own database; after all, everything closed, dropped and deleted. Fields are set in beforeAll.
 */
export function useWorkerRuntime(name: string, definitions: AnyJobDefinition[], options: Partial<RuntimeOptions> = {}): RuntimeUnderTest {
  const under = { prefix: uniquePrefix(name) } as RuntimeUnderTest;
  beforeAll(async () => {
    under.database = await createTestDatabase();
    under.runtime = await startRuntime({
      redisUrl,
      prefix: under.prefix,
      definitions,
      db: under.database.db,
      logger: silentLogger,
      roles: { worker: true, scheduler: false },
      deadLetterSweepEveryMs: 3_600_000,
      ...options,
    });
    under.events = new QueueEvents(definitions[0]!.queue, { connection: { url: redisUrl }, prefix: queuePrefix(under.prefix, definitions[0]!.queue) });
    await under.events.waitUntilReady();
  });
  afterAll(async () => {
    await under.events?.close();
    await under.runtime?.close();
    await under.database?.drop();
    await deletePrefix(under.prefix);
  });
  return under;
}

export interface FixtureEnvironment {
  /** This file's own database, for child-process instances (DATABASE_URL). */
  database: TestDatabase;
  /** A plain connection for the test's own reads of Redis. */
  redis: Redis;
}

/**
 * For a test file that drives child-process instances: its own database and a Redis connection before
 * all tests, every fixture killed after each test, everything closed and dropped after all.
 */
export function useFixtureEnvironment(): FixtureEnvironment {
  const env = { redis: new Redis(redisUrl) } as FixtureEnvironment;
  beforeAll(async () => {
    env.database = await createTestDatabase();
  });
  afterEach(stopAllFixtures);
  afterAll(async () => {
    env.redis.disconnect();
    await env.database?.drop();
  });
  return env;
}
