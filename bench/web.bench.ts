// The console's first load: the JavaScript a browser must fetch before the overview can run (gzip, from
// the build), and how long the overview takes to become interactive in headless Chromium against 15
// queues holding 1,000,000 jobs (loaded with api.bench.ts's loader). Targets: ≤ 300 KB gzip initial JS,
// < 1 s to interactive. "Interactive" here: every queue row is on screen with its counts and a click on
// a queue name opens that queue (the app's code has run and the main thread answers).
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { createTestDatabase } from '@bullpen/db/testing';
import { createRedis, defineJob, startRuntime } from '@bullpen/jobs';
import { deleteKeysUnder } from '@bullpen/jobs/testing';
import { pino } from 'pino';
import { z } from 'zod';
import { createApp, webDist } from '../apps/api/src/app.js';
import { loadConfig } from '../apps/api/src/config.js';
import { createAlertEngine } from '../apps/api/src/ops/alerts.js';
import { load, mixedCounts } from './api.bench.js';
import { percentile } from './support/latency.js';

const QUEUES = 15;
const TOTAL_JOBS = Number(process.env.BENCH_WEB_JOBS ?? 1_000_000);
const RUNS = 7;
const INITIAL_JS_BUDGET = 300 * 1024;
const INTERACTIVE_BUDGET_MS = 1_000;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const prefix = `bench-web-${randomBytes(4).toString('hex')}`;
const names = Array.from({ length: QUEUES }, (_, i) => `bench-${String(i).padStart(2, '0')}`);

/**
 * The scripts index.html makes the browser fetch before the app runs: the entry module and every
 * module it preloads (its static imports). Lazily loaded pages are not counted.
 */
export function initialScripts(html: string): string[] {
  const srcs = [...html.matchAll(/<script[^>]+type="module"[^>]+src="([^"]+)"/g)].map((m) => m[1]!);
  const preloads = [...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)].map((m) => m[1]!);
  return [...new Set([...srcs, ...preloads])];
}

function initialJsSize(): { files: Array<{ file: string; raw: number; gzip: number }>; gzip: number } {
  const html = readFileSync(path.join(webDist, 'index.html'), 'utf8');
  const files = initialScripts(html).map((src) => {
    const body = readFileSync(path.join(webDist, src.replace(/^\//, '')));
    return { file: src, raw: body.length, gzip: gzipSync(body, { level: 9 }).length };
  });
  if (files.length === 0) throw new Error(`no module scripts in ${webDist}/index.html: run npm run build first`);
  return { files, gzip: files.reduce((sum, f) => sum + f.gzip, 0) };
}

const median = (values: readonly number[]) => percentile(values, 50);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

export async function run(): Promise<void> {
  // ---- initial JavaScript ------------------------------------------------------------------------
  const js = initialJsSize();
  for (const f of js.files) console.log(`  ${f.file.padEnd(40)} ${kb(f.raw).padStart(10)} raw ${kb(f.gzip).padStart(10)} gzip`);
  console.log(`web bench: initial JS ${kb(js.gzip)} gzip over ${js.files.length} files (budget ${kb(INITIAL_JS_BUDGET)}: ${js.gzip <= INITIAL_JS_BUDGET ? 'met' : 'NOT met'})`);

  // ---- overview time to interactive ---------------------------------------------------------------
  const redis = createRedis(redisUrl, 'worker');
  const database = await createTestDatabase({ poolSize: 4 });
  const logger = pino({ level: 'silent' });
  let runtime: Awaited<ReturnType<typeof startRuntime>> | undefined;
  let server: import('node:http').Server | undefined;
  let app: ReturnType<typeof createApp> | undefined;
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const started = performance.now();
    const perQueue = Math.floor(TOTAL_JOBS / QUEUES);
    for (const [i, queue] of names.entries()) {
      const share = i === QUEUES - 1 ? TOTAL_JOBS - perQueue * (QUEUES - 1) : perQueue;
      const counts = mixedCounts(share);
      await load(redis, prefix, queue, counts);
    }
    const definitions = names.map((queue) =>
      defineJob({ queue, description: 'benchmark', timeoutMs: 1_000, input: z.record(z.string(), z.unknown()), process: async () => ({ summary: 'x' }) }),
    );
    runtime = await startRuntime({ redisUrl, prefix, definitions, db: database.db, logger, roles: { worker: false, scheduler: false } });
    const total = (await runtime.stats()).reduce((sum, s) => sum + Object.values(s.counts).reduce((a, b) => a + b, 0), 0);
    if (total !== TOTAL_JOBS) throw new Error(`load check failed: ${total} jobs`);
    console.log(`web bench: ${QUEUES} queues, ${total.toLocaleString('en')} jobs loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const config = loadConfig({ QUEUE_PREFIX: prefix, REDIS_URL: redisUrl, ROLES: 'http', ADMIN_USER: 'admin', ADMIN_PASSWORD: 'bench-password-1', LOG_LEVEL: 'silent' });
    const alerts = createAlertEngine(config, database.db, logger);
    alerts.attach(runtime);
    app = createApp({ config, runtime, alerts, database, logger, version: 'bench' });
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const cold: number[] = [];
    const warm: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      // A new context per run: a first visit (empty cache), then a reload with the assets cached.
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await context.newPage();
      const login = await page.request.post(`${origin}/api/v1/auth/login`, { data: { username: 'admin', password: 'bench-password-1' } });
      if (login.status() !== 200) throw new Error(`sign-in failed: ${login.status()}`);
      for (const sink of [cold, warm]) {
        await page.goto(`${origin}/`, { waitUntil: 'commit' });
        // All rows with counts on screen, then a click on the first queue that the app answers by
        // rendering that queue's page: measured on the page's own clock from navigation start.
        await page.waitForFunction((n) => document.querySelectorAll('table[aria-label="Queues"] tbody tr a[href^="/queues/bench-"]').length === n, QUEUES, { polling: 'raf', timeout: 30_000 });
        const rowsAt = await page.evaluate(() => performance.now());
        await page.getByRole('link', { name: names[0], exact: true }).click();
        await page.getByRole('heading', { name: names[0], level: 1 }).waitFor({ timeout: 30_000 });
        sink.push(rowsAt);
      }
      await context.close();
    }
    console.log(`overview interactive (rows with counts on screen, from navigation start): first visit median ${median(cold).toFixed(0)} ms, cached median ${median(warm).toFixed(0)} ms over ${RUNS} runs`);
    console.log(`  first visits: ${cold.map((ms) => ms.toFixed(0)).join(', ')} ms; cached: ${warm.map((ms) => ms.toFixed(0)).join(', ')} ms`);
    console.log(`target < ${INTERACTIVE_BUDGET_MS} ms: ${median(cold) < INTERACTIVE_BUDGET_MS ? 'met' : 'NOT met'} (first visit)`);
  } finally {
    await browser.close();
    server?.closeAllConnections();
    server?.close();
    await app?.dispose();
    await runtime?.close();
    const deleted = await deleteKeysUnder(redis, prefix, 10_000);
    console.log(`web bench: cleaned up ${deleted.toLocaleString('en')} keys under ${prefix}:`);
    redis.disconnect();
    await database.drop();
  }
}
