// `npm run users` against a fresh, unmigrated PostgreSQL database, passwords through stdin. One run is
// the real program in its own process; the rest call the same command in-process with piped streams.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { openDatabase, opsSessions, type DatabaseHandle } from '@bullpen/db';
import { testServerUrl } from '@bullpen/db/testing';
import { eq } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from './auth/passwords.js';
import { createSession } from './auth/sessions.js';
import { findUser } from './auth/users.js';
import { runUsersCommand } from './users-cli.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const name = `bullpen_cli_${randomBytes(6).toString('hex')}`;
const url = Object.assign(new URL(testServerUrl), { pathname: `/${name}` }).toString();
let database: DatabaseHandle | undefined;

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: testServerUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function users(args: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await runUsersCommand(args, { stdin: Readable.from([Buffer.from(stdin)]), stdout, stderr, env: { DATABASE_URL: url } });
  return { code, stdout: out, stderr: err };
}

beforeAll(async () => {
  // An empty database: the command must migrate it before anything else.
  await admin(`CREATE DATABASE ${name}`);
});
afterAll(async () => {
  await database?.close();
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
});

describe('npm run users', () => {
  it('`npm run users -- add` migrates an empty database and adds the account with the password from stdin', async () => {
    const child = spawn('npm', ['run', '-s', 'users', '--', 'add', 'alice', '--role', 'operator'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'silent' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdin.end('a long enough passphrase\n');
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^created alice\toperator\tenabled$/m);
    database = await openDatabase({ url });
    const alice = await findUser(database.db, 'alice');
    expect(alice?.role).toBe('operator');
    expect(await verifyPassword('a long enough passphrase', alice!.passwordHash)).toBe(true);
    expect((await users(['list'])).stdout.trim()).toBe('alice\toperator\tenabled');
  });

  it('refuses a password on the command line, a weak password, a duplicate name and an unknown role, changing nothing', async () => {
    const argv = await users(['add', 'bob', '--role', 'viewer', '--password', 'a long enough passphrase']);
    expect(argv.code).toBe(2);
    expect(argv.stderr).toMatch(/never taken from the command line/);
    expect(argv.stderr).not.toContain('a long enough passphrase');
    const weak = await users(['add', 'bob', '--role', 'viewer'], 'short\n');
    expect([weak.code, weak.stderr]).toEqual([1, 'users: The password needs at least 12 characters.\n']);
    const dup = await users(['add', 'ALICE', '--role', 'viewer'], 'a long enough passphrase\n');
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/already exists/);
    expect((await users(['add', 'bob', '--role', 'root'], 'a long enough passphrase\n')).code).toBe(2);
    expect((await users(['add', 'bob', '--role', 'viewer'], '')).code).toBe(2);
    expect((await users(['list'])).stdout.trim()).toBe('alice\toperator\tenabled');
  });

  it('set-role, reset-password, disable and enable act on the account, end its sessions, and keep one admin', async () => {
    const db = database!.db;
    const alice = (await findUser(db, 'alice'))!;
    const sessionsOf = async () => (await db.select().from(opsSessions).where(eq(opsSessions.userId, alice.id))).length;
    expect((await users(['set-role', 'alice', '--role', 'admin'])).stdout).toMatch(/updated alice\tadmin/);
    await createSession(db, alice.id, 60_000);
    expect(await sessionsOf()).toBe(1);
    expect((await users(['reset-password', 'alice'], 'another long passphrase\n')).code).toBe(0);
    expect(await verifyPassword('another long passphrase', (await findUser(db, 'alice'))!.passwordHash)).toBe(true);
    expect(await sessionsOf()).toBe(0);
    // The only admin: demoting or disabling is refused with the reason.
    for (const args of [['disable', 'alice'], ['set-role', 'alice', '--role', 'viewer']]) {
      const refused = await users(args);
      expect([refused.code, refused.stderr]).toEqual([1, expect.stringMatching(/last enabled admin/)]);
    }
    expect((await users(['add', 'root', '--role', 'admin'], 'a third long passphrase\n')).code).toBe(0);
    await createSession(db, alice.id, 60_000);
    const disabled = await users(['disable', 'alice']);
    expect(disabled.code).toBe(0);
    expect(await sessionsOf()).toBe(0);
    expect(await findUser(db, 'alice')).toBeUndefined();
    expect((await users(['list'])).stdout).toMatch(/^alice\tadmin\tdisabled /m);
    expect((await users(['enable', 'alice'])).code).toBe(0);
    expect((await findUser(db, 'alice'))?.username).toBe('alice');
    expect((await users(['disable', 'nobody'])).stderr).toBe('users: No user named "nobody".\n');
  });
});
