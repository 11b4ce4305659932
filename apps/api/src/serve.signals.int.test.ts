// The deployment commands pass signals on: a process manager that sends SIGTERM to the process it
// started (npm, or node itself) gets a drained, exited app and no node process left behind. Before
// `serve` exec'd node, npm's SIGTERM killed the intermediate shell and left node running, orphaned.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '@bullpen/db/testing';
import { createRedis } from '@bullpen/jobs';
import { deleteKeysUnder } from '@bullpen/jobs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testRedisUrl } from './test-harness.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const apiDir = fileURLToPath(new URL('..', import.meta.url));
const prefix = `bpserve-${randomBytes(4).toString('hex')}`;
let database: TestDatabase;

beforeAll(async () => {
  // `npm test` builds first; a lone run of this file builds the API itself.
  if (!existsSync(`${apiDir}/dist/main.js`)) {
    const built = spawnSync(process.execPath, [`${root}/node_modules/typescript/bin/tsc`, '-p', 'tsconfig.build.json'], { cwd: apiDir, encoding: 'utf8', timeout: 120_000 });
    if (built.status !== 0) throw new Error(`building apps/api failed: ${built.stdout}${built.stderr}`);
  }
  database = await createTestDatabase();
}, 150_000);
afterAll(async () => {
  await database?.drop();
  const redis = createRedis(testRedisUrl, 'worker');
  try {
    await deleteKeysUnder(redis, prefix);
  } finally {
    redis.disconnect();
  }
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pids of processes (other than ours) whose environment carries `marker`. */
function processesMarked(marker: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'utf8').includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function startStopWithSigterm(command: string, args: string[]) {
  const marker = `BULLPEN_SIGNAL_TEST=${randomBytes(6).toString('hex')}`;
  const child = spawn(command, args, {
    cwd: root,
    env: {
      ...process.env,
      [marker.split('=')[0]!]: marker.split('=')[1]!,
      PORT: '0',
      HOST: '127.0.0.1',
      ROLES: 'http,worker',
      QUEUE_PREFIX: prefix,
      REDIS_URL: testRedisUrl,
      DATABASE_URL: database.url,
      ADMIN_PASSWORD: 'signal-test-password',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} ${args.join(' ')} did not listen within 40 s:\n${stdout}`)), 40_000);
    child.stdout.on('data', (c: string) => {
      stdout += c;
      if (stdout.includes('Bullpen is listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(() => reject(new Error(`exited before listening:\n${stdout}`)));
  });
  const running = processesMarked(marker);
  expect(running).toContain(child.pid);

  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
  const code = await exited;
  clearTimeout(timer);
  // Everything the command started is gone too (a process manager only knows the pid it started).
  const deadline = Date.now() + 10_000;
  while (running.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const leftovers = running.filter(alive);
  for (const pid of leftovers) process.kill(pid, 'SIGKILL');
  return { code, stdout, running, leftovers };
}

describe('deployment commands and SIGTERM', () => {
  it('`npm run serve`: SIGTERM to npm drains the app and leaves no node process', async () => {
    const { stdout, running, leftovers } = await startStopWithSigterm('npm', ['run', 'serve']);
    // npm and the app's node (no shell in between, or the shell would swallow the signal).
    expect(running.length).toBeGreaterThanOrEqual(2);
    expect(leftovers).toEqual([]);
    expect(stdout).toMatch(/"signal":"SIGTERM".*"msg":"shutting down"/);
    expect(stdout).toMatch(/"drained":true.*"msg":"stopped"/);
  }, 90_000);

  it('`node apps/api/dist/main.js`: SIGTERM drains and exits 0', async () => {
    const child = await startStopWithSigterm(process.execPath, ['apps/api/dist/main.js']);
    expect(child.leftovers).toEqual([]);
    expect(child.code).toBe(0);
    expect(child.stdout).toMatch(/"drained":true.*"msg":"stopped"/);
  }, 90_000);
});
