// The HTTP face of one Bullpen instance: the operations API under /api/v1 (one routes table), Bull
// Board at /board, /metrics, /healthz, /readyz and the SPA. Handlers stay small; the runtime does the work.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DatabaseHandle } from '@bullpen/db';
import { inAppChannelKey, type AlertEngine, type JobRuntime } from '@bullpen/jobs';
import express, { type Express, type Request } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { AuditLog } from './audit/audit-log.js';
import { tokenMatches } from './auth/csrf.js';
import { LoginLimiter } from './auth/login-limiter.js';
import { allows } from './auth/roles.js';
import { SessionCache } from './auth/session-cache.js';
import { readCookie, SESSION_COOKIE, type Session } from './auth/sessions.js';
import { ensureAdmin } from './auth/users.js';
import { mountBoard } from './board.js';
import type { Config } from './config.js';
import { QueueEventStream } from './events.js';
import { ApiError, errorHandler, errorReply, send } from './http/api-error.js';
import { API_BASE, mountRoutes } from './http/mount-routes.js';
import type { Route } from './http/route-table.js';
import { OpsMetrics } from './metrics.js';
import type { OpsDeps } from './ops/deps.js';
import { WorkerDirectory } from './ops/worker-directory.js';
import { checkReadiness } from './readiness.js';
import { BOARD_PATH, policyTable, SPA_ROUTE, type Policy } from './policy.js';
import { apiRoutes } from './routes/index.js';

export interface AppContext {
  config: Config;
  runtime: JobRuntime;
  alerts: AlertEngine;
  database: DatabaseHandle;
  logger: Logger;
  version: string;
  /** How often the live event stream polls queue statistics. Default 1 000 ms. */
  eventsIntervalMs?: number;
}

export type OpsApp = Express & {
  /** The API routes table and the whole app's policy table (for tests and the OpenAPI document). */
  routes: readonly Route[];
  policies: readonly Policy[];
  /** Ends live event streams. Call when the server stops. */
  dispose(): Promise<void>;
};

/** Where `vite build` of apps/web puts the SPA; the same relative path from src/ and dist/. */
export const webDist = fileURLToPath(new URL('../../web/dist', import.meta.url));

const BODY_LIMIT = '100kb';

export function createApp(ctx: AppContext): OpsApp {
  const { config, runtime, database, logger } = ctx;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.TRUST_PROXY);

  const audit = new AuditLog(database.db, runtime.instanceId, logger, runtime.masker);
  const events = new QueueEventStream(runtime, logger, ctx.eventsIntervalMs, { channel: inAppChannelKey(config.QUEUE_PREFIX), redis: config.REDIS });
  const bootstrap = ensureAdmin(database.db, { username: config.ADMIN_USER, password: config.ADMIN_PASSWORD }, logger).catch((err: unknown) => {
    logger.error({ err }, 'could not ensure the admin account; sign-in may fail until PostgreSQL answers');
  });
  const sessionCache = new SessionCache({ db: database.db, redis: config.REDIS, publisher: runtime.redis, prefix: config.QUEUE_PREFIX, logger });
  const deps: OpsDeps = {
    config,
    sessions: sessionCache,
    runtime,
    alerts: ctx.alerts,
    database,
    logger,
    audit,
    events,
    limiter: new LoginLimiter({
      redis: runtime.redis,
      prefix: config.QUEUE_PREFIX,
      maxFailures: config.LOGIN_MAX_FAILURES,
      maxFailuresPerAddress: config.LOGIN_MAX_FAILURES_PER_ADDRESS,
      windowSeconds: config.LOGIN_WINDOW_SECONDS,
    }),
    workers: new WorkerDirectory(runtime),
    boardPath: BOARD_PATH,
    bootstrap,
  };
  const routes = apiRoutes(deps, ctx.version);
  const policies = policyTable(routes);
  const metrics = new OpsMetrics(runtime, database, logger);

  const tls = config.COOKIE_SECURE === 'true';
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          // Over plain HTTP this would send the SPA's and the board's assets to https:// and break them.
          upgradeInsecureRequests: tls ? [] : null,
          connectSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          // Our own styles only: no stylesheet from any https: host (Bull Board's Google Fonts link
          // is refused and it falls back to system fonts). Inline styles stay for the board's UI.
          styleSrc: ["'self'", "'unsafe-inline'"],
          fontSrc: ["'self'", 'data:'],
        },
      },
      // Set per request below, whenever the request came over TLS.
      strictTransportSecurity: false,
    }),
  );
  app.use((req, res, next) => {
    // HSTS whenever the browser reached us over TLS (directly or, with TRUST_PROXY, via a proxy), or
    // always with COOKIE_SECURE=true; never over plain HTTP otherwise, where it would mean nothing.
    if (config.COOKIE_SECURE !== 'false' && (req.secure || tls)) res.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    next();
  });
  // Answers that hold queue, job, audit or metrics data are never stored by a browser or proxy.
  app.use(['/api', `${BOARD_PATH}/api`, '/metrics'], (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', instanceId: ctx.runtime.instanceId, roles: [...ctx.config.ROLES], version: ctx.version });
  });

  app.get('/readyz', async (_req, res) => {
    const readiness = await checkReadiness(ctx.runtime, ctx.database);
    res.status(readiness.status === 'ready' ? 200 : 503).json(readiness);
  });

  // Sessions, for everything that needs one. PostgreSQL down → 503 from the error handler.
  const sessions = new WeakMap<Request, Session | null>();
  const sessionOf = (req: Request) => sessions.get(req) ?? null;
  const resolveSession: express.RequestHandler = async (req, _res, next) => {
    const token = readCookie(req.get('cookie'), SESSION_COOKIE);
    sessions.set(req, token ? ((await sessionCache.find(token)) ?? null) : null);
    next();
  };
  app.use([API_BASE, BOARD_PATH, '/metrics'], resolveSession);

  app.get('/metrics', async (req, res) => {
    const bearer = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    const session = sessionOf(req);
    const byToken = config.METRICS_TOKEN !== undefined && tokenMatches(bearer, config.METRICS_TOKEN);
    if (!byToken) {
      if (!session) throw new ApiError(401, 'UNAUTHENTICATED', 'Send Authorization: Bearer <METRICS_TOKEN> or sign in as an admin.');
      if (!allows(session.role, 'admin')) throw new ApiError(403, 'FORBIDDEN', 'Metrics need the admin role or the metrics token.');
    }
    res.set('Content-Type', metrics.contentType).send(await metrics.render());
  });

  app.use(API_BASE, express.json({ limit: BODY_LIMIT, strict: true }));
  // A body that cannot be read (bad JSON, too large) never reaches the routes table: audit the refusal here.
  const unreadableBody: express.ErrorRequestHandler = async (err: unknown, req, res, _next) => {
    const reply = errorReply(err, logger, { method: req.method, path: req.path });
    send(res, reply);
    const session = sessionOf(req);
    if (session && !['GET', 'HEAD', 'OPTIONS'].includes(req.method)) {
      const target = `${req.method} ${req.originalUrl.slice(0, 300)}`;
      const code = (reply.body as { error?: { code?: string } }).error?.code;
      await audit.record({ username: session.username, role: session.role, ip: req.ip }, 'unreadable-body', target, { contentLength: req.get('content-length') ?? null }, 'rejected', { status: reply.status, code });
    }
  };
  app.use(API_BASE, unreadableBody);
  mountRoutes(app, { routes, audit, log: logger, sessionOf, requestTimeoutMs: config.REQUEST_TIMEOUT_MS });
  app.use('/api', async (req, res) => {
    const reply = new ApiError(404, 'NOT_FOUND', `No route ${req.method} ${req.originalUrl.slice(0, 200)}.`).reply();
    send(res, reply);
    // A write to no route is still a state-changing request someone signed in made: audit the refusal.
    const session = sessionOf(req);
    if (session && !['GET', 'HEAD', 'OPTIONS'].includes(req.method)) {
      const target = `${req.method} ${req.originalUrl.slice(0, 300)}`;
      await audit.record({ username: session.username, role: session.role, ip: req.ip }, 'unknown-route', target, { body: req.body as unknown }, 'rejected', { status: 404, code: 'NOT_FOUND' });
    }
  });

  mountBoard(app, deps, audit, sessionOf);

  if (existsSync(webDist)) {
    app.use(express.static(webDist, { index: false, maxAge: '1h' }));
    // Client-side routes: every other GET that is not an API or board path gets the SPA shell.
    app.get(SPA_ROUTE, (_req, res) => {
      res.sendFile(`${webDist}/index.html`, { maxAge: 0 });
    });
  } else {
    logger.warn({ webDist }, 'web build not found; run `npm run build` to serve the dashboard');
  }
  // Errors thrown outside the routes table (body too large, bad JSON, metrics) get the same shape.
  app.use(errorHandler(logger));

  return Object.assign(app, {
    routes,
    policies,
    async dispose() {
      events.dispose();
      sessionCache.close();
      await bootstrap;
    },
  });
}
