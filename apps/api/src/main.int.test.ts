import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '@bullpen/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('./main.ts', import.meta.url));

function runMain(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', main], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
  return once(child, 'exit').then(([code]) => {
    clearTimeout(timer);
    return { code: code as number | null, stderr, stdout };
  });
}

describe('the entry point', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('refuses bad configuration with a message naming each bad variable, and exits non-zero', async () => {
    const { code, stderr, stdout } = await runMain({ PORT: 'eighty', ROLES: 'http,cron', QUEUE_PREFIX: 'e2e-bad-config' });
    expect(code).toBe(2);
    expect(stderr).toContain('Invalid configuration');
    expect(stderr).toMatch(/PORT: /);
    expect(stderr).toMatch(/ROLES: expected a comma-separated subset of http,worker,scheduler; got "http,cron"/);
    expect(stderr).toContain('.env.example');
    // Nothing started: no log lines, no stack trace.
    expect(stdout).toBe('');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('stops with a clear message when Redis does not answer', async () => {
    const { code, stdout } = await runMain({
      REDIS_URL: 'redis://127.0.0.1:1',
      REDIS_CONNECT_TIMEOUT_MS: '1000',
      DATABASE_URL: database.url,
      QUEUE_PREFIX: 'bad-redis',
      PORT: '0',
    });
    expect(code).toBe(1);
    expect(stdout).toContain('Redis did not answer at redis://127.0.0.1:1 within 1000 ms');
  });
});
