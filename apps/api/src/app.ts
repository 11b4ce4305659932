// The HTTP face of one Bullpen instance. Handlers stay small; the runtime does the work.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DatabaseHandle } from '@bullpen/db';
import type { JobRuntime } from '@bullpen/jobs';
import { sql } from 'drizzle-orm';
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { Config } from './config.js';

export interface AppContext {
  config: Config;
  runtime: JobRuntime;
  database: DatabaseHandle;
  logger: Logger;
  version: string;
}

/** Where `vite build` of apps/web puts the SPA; the same relative path from src/ and dist/. */
export const webDist = fileURLToPath(new URL('../../web/dist', import.meta.url));

const READY_CHECK_TIMEOUT_MS = 2_000;

async function within<T>(promise: Promise<T>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), ms);
      }),
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export function createApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', instanceId: ctx.runtime.instanceId, roles: [...ctx.config.ROLES], version: ctx.version });
  });

  app.get('/readyz', async (_req, res) => {
    const [redis, postgres] = await Promise.all([
      within(ctx.runtime.redis.ping(), READY_CHECK_TIMEOUT_MS),
      within(ctx.database.db.execute(sql`SELECT 1`), READY_CHECK_TIMEOUT_MS),
    ]);
    const ready = redis && postgres;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not-ready', checks: { redis, postgres } });
  });

  if (existsSync(webDist)) {
    app.use(express.static(webDist, { index: false, maxAge: '1h' }));
    // Client-side routes: every other GET that is not an API or board path gets the SPA shell.
    app.get(/^\/(?!api\/|board|metrics).*/, (_req, res) => {
      res.sendFile(`${webDist}/index.html`, { maxAge: 0 });
    });
  } else {
    ctx.logger.warn({ webDist }, 'web build not found; run `npm run build` to serve the dashboard');
  }
  return app;
}
