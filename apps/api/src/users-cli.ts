// `npm run users -- <command>`: console accounts from a shell, for the first accounts on a server no
// browser has reached yet. Same database configuration as the app (DATABASE_URL, else PGlite under
// PGLITE_DATA_DIR), migrations first, and the same rules as the admin API (auth/accounts.ts).
// Passwords come from a prompt that does not echo, or from stdin when it is not a terminal; never
// from the command line, where shell history and `ps` would keep them.
import { realpathSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { migrate, openDatabase } from '@bullpen/db';
import { createAccount, disableAccount, enableAccount, listAccounts, resetPassword, setRole, type Account } from './auth/accounts.js';
import { isRole, ROLES } from './auth/roles.js';
import { loadConfig } from './config.js';

const USAGE = `Usage: npm run users -- <command>

  list                              every account, its role and whether it is disabled
  add <name> --role <role>          create an account (role: ${ROLES.join(', ')})
  set-role <name> --role <role>     change a role
  reset-password <name>             set a new password and end the user's sessions
  disable <name>                    disable an account and end its sessions at once
  enable <name>                     enable it again

The password is asked for without echo, or read from stdin (first line) when stdin is not a terminal:
  printf '%s\\n' "$PASSWORD" | npm run users -- add alice --role operator
Uses DATABASE_URL (or PGlite under PGLITE_DATA_DIR) like the server, and runs migrations first.
`;

class UsageError extends Error {}

/** Where the command reads and writes: the process's own streams, or a test's. */
export interface CommandIo {
  stdin: Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  stdout: Writable;
  stderr: Writable;
  env: Record<string, string | undefined>;
}

/** Reads a line from the terminal in raw mode, echoing nothing. */
function promptHidden(io: CommandIo, question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = io.stdin;
    io.stderr.write(question);
    stdin.setRawMode!(true);
    stdin.resume();
    let value = '';
    const done = (error?: Error) => {
      stdin.setRawMode!(false);
      stdin.pause();
      stdin.off('data', onData);
      io.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return done();
        if (char === '\u0003') return done(new UsageError('cancelled'));
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else value += char;
      }
    };
    stdin.on('data', onData);
  });
}

async function readStdinLine(stdin: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

async function readPassword(io: CommandIo): Promise<string> {
  if (!io.stdin.isTTY || !io.stdin.setRawMode) {
    const line = await readStdinLine(io.stdin);
    if (!line) throw new UsageError('no password on stdin (expected it on the first line)');
    return line;
  }
  const first = await promptHidden(io, 'New password: ');
  const second = await promptHidden(io, 'Repeat it: ');
  if (first !== second) throw new UsageError('the two passwords differ');
  return first;
}

const describe = (a: Account) => `${a.username}\t${a.role}\t${a.disabledAt ? `disabled ${a.disabledAt.toISOString()}` : 'enabled'}`;

function roleOf(value: string | undefined): (typeof ROLES)[number] {
  if (!isRole(value)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  return value;
}

async function main(argv: string[], io: CommandIo): Promise<number> {
  const out = (line: string) => io.stdout.write(`${line}\n`);
  if (argv.some((arg) => /^--?(pass(word)?|pw)\b/i.test(arg))) throw new UsageError('passwords are never taken from the command line (shell history and ps keep them): use the prompt or stdin');
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { role: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, name, extra] = positionals;
  if (values.help || !command) {
    (command ? io.stdout : io.stderr).write(USAGE);
    return command ? 0 : 2;
  }
  if (command !== 'list' && !name) throw new UsageError(`${command} needs a user name`);
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}" (passwords are never taken from the command line)`);

  const config = loadConfig(io.env);
  // Password first: nothing is opened while someone is typing it.
  const password = command === 'add' || command === 'reset-password' ? await readPassword(io) : undefined;
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.PGLITE_DATA_DIR });
  try {
    await migrate(database);
    const db = database.db;
    switch (command) {
      case 'list':
        for (const account of await listAccounts(db)) out(describe(account));
        return 0;
      case 'add':
        out(`created ${describe(await createAccount(db, { username: name!, password: password!, role: roleOf(values.role) }))}`);
        return 0;
      case 'set-role':
        out(`updated ${describe(await setRole(db, name!, roleOf(values.role)))}`);
        return 0;
      case 'reset-password':
        out(`password reset, sessions ended: ${describe(await resetPassword(db, name!, password!))}`);
        return 0;
      case 'disable':
        out(`disabled, sessions ended: ${describe(await disableAccount(db, name!))}`);
        return 0;
      case 'enable':
        out(`enabled: ${describe(await enableAccount(db, name!))}`);
        return 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } finally {
    await database.close();
  }
}

/** Runs one command; returns the exit code (0 done, 1 refused or failed, 2 usage). */
export async function runUsersCommand(argv: string[], io: CommandIo): Promise<number> {
  try {
    return await main(argv, io);
  } catch (err) {
    if (err instanceof UsageError || (err instanceof TypeError && (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))) {
      io.stderr.write(`users: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    // Refusals (ApiError: weak password, last admin…) and configuration errors carry their own message.
    io.stderr.write(`users: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

// Run as a program (`npm run users`), not when a test imports it.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  process.exitCode = await runUsersCommand(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env });
}
