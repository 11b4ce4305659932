#!/usr/bin/env node
// `npm start`: the whole system on a fresh clone. Installs dependencies if they are missing, builds,
// makes sure a Redis answers (starting a local redis-server when none does and one is installed),
// migrates and seeds the database, then runs the app in the foreground until it is stopped.
//
// This file runs before anything is installed, on whatever Node the machine has (Node 20 here), so it
// is plain JavaScript with node: built-ins only. The app itself runs on the Node the repo pins
// (node_modules/.bin/node, from the `node` devDependency), never on the Node running this script.
//
// Stopping: SIGINT/SIGTERM/SIGHUP are forwarded once to the app, which drains and exits; then the
// redis-server this script started (if any) is stopped with SIGTERM, which flushes its append-only file.
// Children run in their own process group so that Ctrl-C reaches them through this script exactly once
// rather than twice (terminal and forward).

import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const appNode = path.join(root, 'node_modules', '.bin', 'node');
const redisDataDir = path.join(root, '.data', 'redis');

const PING_TIMEOUT_MS = 1_000;
const REDIS_START_TIMEOUT_MS = 15_000;
const REDIS_STOP_TIMEOUT_MS = 10_000;

const USAGE = `Usage: npm start [-- --dry-run]
       node scripts/start.mjs [--dry-run | --help]

Runs Bullpen on this machine: installs dependencies if missing (npm ci), builds (npm run build),
makes sure Redis answers at REDIS_URL (default redis://127.0.0.1:6379; starts a local redis-server
with its data under .data/redis when none answers and one is installed), migrates and seeds the
database (PGlite under .data/pglite, or the PostgreSQL at DATABASE_URL), and runs the app with
DEMO=true unless DEMO is set. Configuration is by environment variables: see .env.example.

  --dry-run  say what would be done (and whether Redis answers) without doing it
  --help     show this text`;

function say(message) {
  console.log(`[start] ${message}`);
}

function fail(message) {
  console.error(`[start] ${message}`);
  process.exit(1);
}

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
const unknown = args.filter((arg) => arg !== '--dry-run');
if (unknown.length > 0) fail(`Unknown argument ${unknown.join(' ')}.\n\n${USAGE}`);
const dryRun = args.includes('--dry-run');

/** Runs a setup command in the foreground; any failure ends the start. */
function runStep(command, commandArgs) {
  say(`$ ${command} ${commandArgs.join(' ')}`);
  if (dryRun) return;
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit' });
  if (result.error) fail(`Could not run ${command}: ${result.error.message}`);
  if (result.signal) process.kill(process.pid, result.signal);
  if (result.status !== 0) fail(`${command} ${commandArgs.join(' ')} failed (exit code ${result.status}).`);
}

// --- a. dependencies and build -------------------------------------------------------------------

if (!existsSync(appNode)) {
  const hasLock = existsSync(path.join(root, 'package-lock.json'));
  say('Dependencies are not installed yet.');
  runStep('npm', hasLock ? ['ci'] : ['install']);
}
runStep('npm', ['run', 'build']);
if (!dryRun && !existsSync(appNode)) {
  fail(`${appNode} is missing after install: the "node" devDependency provides it. Try: rm -rf node_modules && npm ci`);
}

// --- b. Redis ------------------------------------------------------------------------------------

function parseRedisUrl(text) {
  let url;
  try {
    url = new URL(text);
  } catch {
    fail(`REDIS_URL is not a URL: "${text}". Expected e.g. redis://127.0.0.1:6379`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    fail(`REDIS_URL must start with redis:// or rediss:// (got "${url.protocol}//").`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  return { host, port: Number(url.port || 6379), tls: url.protocol === 'rediss:' };
}

/**
 * Sends PING and resolves with the first reply line (`+PONG`, or e.g. `-NOAUTH …` / `-LOADING …`
 * from a Redis that is there but not ready for us), or null when nothing answers within the timeout.
 */
function ping({ host, port, tls: useTls }, timeoutMs = PING_TIMEOUT_MS) {
  return new Promise((resolve) => {
    const socket = useTls ? tls.connect({ host, port, servername: host }) : net.connect({ host, port });
    let received = '';
    const finish = (reply) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(reply);
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    socket.once(useTls ? 'secureConnect' : 'connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      const end = received.indexOf('\r\n');
      if (end !== -1) finish(received.slice(0, end));
    });
    socket.once('error', () => finish(null));
    socket.once('close', () => finish(null));
  });
}

function isLocalHost(host) {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1';
}

function findOnPath(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

function tail(file, lines) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log written)';
  }
}

const redisUrlText = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const redisTarget = parseRedisUrl(redisUrlText);
/** The redis-server this script started, to stop when the app exits; null when Redis was already there. */
let redisChild = null;

async function ensureRedis() {
  // A cluster or Sentinel is the operator's own: the app connects to it and says clearly if it cannot.
  if (process.env.REDIS_CLUSTER_NODES || process.env.REDIS_SENTINELS) {
    say(`Redis: ${process.env.REDIS_CLUSTER_NODES ? `the cluster at ${process.env.REDIS_CLUSTER_NODES}` : `the master "${process.env.REDIS_SENTINEL_NAME ?? ''}" via Sentinel at ${process.env.REDIS_SENTINELS}`}; not starting a local one.`);
    return;
  }
  const reply = await ping(redisTarget);
  // A Redis answers in RESP: `+PONG`, or an error line such as `-NOAUTH …` that the app will report.
  if (reply !== null && /^[+-]/.test(reply)) {
    say(`Redis answers at ${redisUrlText}${reply === '+PONG' ? '' : ` (${reply})`}.`);
    return;
  }
  if (reply !== null) {
    fail(`Something answers at REDIS_URL=${redisUrlText}, but not as Redis does ("${reply.slice(0, 80)}"). Check the host and port.`);
  }
  if (!isLocalHost(redisTarget.host)) {
    fail(`Nothing answers at REDIS_URL=${redisUrlText}. Start that Redis, or point REDIS_URL at one that runs.`);
  }
  const redisServer = findOnPath('redis-server');
  if (!redisServer) {
    fail(
      `No Redis answers at ${redisUrlText} and redis-server is not installed.\n` +
        '  Install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) and run npm start again,\n' +
        '  or set REDIS_URL to a Redis you already run.',
    );
  }
  const logFile = path.join(redisDataDir, 'redis.log');
  // Loopback only: a Redis without a password must not listen on other interfaces.
  const redisArgs = [
    '--port', String(redisTarget.port),
    '--bind', '127.0.0.1', '-::1',
    '--appendonly', 'yes',
    '--dir', redisDataDir,
    '--save', '',
    '--logfile', logFile,
  ];
  say(`No Redis answers at ${redisUrlText}; starting ${redisServer} (data and log under ${path.relative(root, redisDataDir)}).`);
  if (dryRun) return;
  mkdirSync(redisDataDir, { recursive: true });
  const child = spawn(redisServer, redisArgs, { cwd: root, stdio: 'ignore', detached: true });
  redisChild = child;
  let exited = null;
  child.once('exit', (code, signal) => {
    exited = signal ?? `exit code ${code}`;
    if (redisChild === child) redisChild = null;
  });
  child.once('error', (error) => {
    exited = error.message;
  });
  const deadline = Date.now() + REDIS_START_TIMEOUT_MS;
  while (Date.now() < deadline && exited === null && !stopRequested) {
    // -LOADING while it replays the append-only file: keep waiting for +PONG.
    if ((await ping(redisTarget)) === '+PONG') {
      say(`redis-server is up (pid ${child.pid}).`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stopRedis();
  if (stopRequested) return;
  const why = exited === null ? `did not answer PING within ${REDIS_START_TIMEOUT_MS / 1000} s` : `stopped (${exited})`;
  fail(`redis-server ${why}. Last lines of ${logFile}:\n${tail(logFile, 20)}`);
}

async function stopRedis() {
  const child = redisChild;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  say(`Stopping the redis-server this script started (pid ${child.pid}).`);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), REDIS_STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
  redisChild = null;
}

// --- c. seed, then the app -----------------------------------------------------------------------

/** The process currently in the foreground (seed, then the app); signals go to it. */
let foreground = null;
let stopRequested = false;
let lastForwardAt = 0;

function onSignal(signal) {
  stopRequested = true;
  // Under `npm start`, one Ctrl-C reaches this script twice (from the terminal and from npm): forward
  // it once. A second Ctrl-C later is deliberate and is passed on too.
  const now = Date.now();
  if (foreground && now - lastForwardAt > 1_000) {
    lastForwardAt = now;
    say(`${signal}: passing it to the app and waiting for it to stop.`);
    foreground.kill(signal === 'SIGHUP' ? 'SIGTERM' : signal);
  }
}

/** Runs the app's node on `script`; resolves with the exit code (128 + n when killed by a signal). */
function runApp(script, env) {
  return new Promise((resolve) => {
    const child = spawn(appNode, [script], { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
    foreground = child;
    child.once('error', (error) => {
      console.error(`[start] Could not run ${script}: ${error.message}`);
      foreground = null;
      resolve(1);
    });
    child.once('exit', (code, signal) => {
      foreground = null;
      resolve(code ?? 128 + (os.constants.signals[signal] ?? 15));
    });
  });
}

/**
 * The console login for this checkout: ADMIN_PASSWORD when set, otherwise a password generated on the
 * first start and kept in .data/admin-password (readable by this user only), so every later
 * `npm start` can print it again.
 */
function demoLogin() {
  const username = process.env.ADMIN_USER || 'admin';
  if (process.env.ADMIN_PASSWORD) return { username, password: process.env.ADMIN_PASSWORD, source: 'ADMIN_PASSWORD' };
  const file = path.join(root, '.data', 'admin-password');
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${randomBytes(12).toString('base64url')}\n`, { mode: 0o600 });
  }
  return { username, password: readFileSync(file, 'utf8').trim(), source: path.relative(root, file) };
}

async function main() {
  if (!dryRun) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    process.on('SIGHUP', onSignal);
    // Last resort if this script dies of an error: do not leave its children running.
    process.on('exit', () => {
      foreground?.kill('SIGTERM');
      redisChild?.kill('SIGTERM');
    });
  }

  await ensureRedis();
  if (stopRequested) return 0;

  const login = dryRun ? null : demoLogin();
  const env = { ...process.env, DEMO: process.env.DEMO ?? 'true', ...(login ? { ADMIN_USER: login.username, ADMIN_PASSWORD: login.password } : {}) };
  const seed = path.join('apps', 'api', 'dist', 'seed.js');
  const app = path.join('apps', 'api', 'dist', 'main.js');
  say(`$ ${path.relative(root, appNode)} ${seed}`);
  say(`$ ${path.relative(root, appNode)} ${app}   (DEMO=${env.DEMO})`);
  if (dryRun) return 0;

  for (const file of [seed, app]) {
    if (!existsSync(path.resolve(root, file))) fail(`${file} is missing: the build did not produce it.`);
  }

  const seedCode = await runApp(seed, env);
  if (seedCode !== 0) {
    if (!stopRequested) console.error(`[start] Migrating and seeding the database failed (exit code ${seedCode}).`);
    return seedCode;
  }
  if (stopRequested) return 0;
  say(`Log in as "${login.username}" with password "${login.password}" (from ${login.source}).`);
  return runApp(app, env);
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  console.error('[start]', error);
} finally {
  await stopRedis();
}
process.exit(exitCode);
