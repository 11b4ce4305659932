// Bull Board at /board, behind the same session. Two boards over the same queues: a full one for
// operators and admins, and one whose queue adapters are read-only for viewers. Viewers' writes are
// refused here before either board sees them (hiding buttons is not enough); operators' writes must
// come from our own origin and are audited like any other action. Job data, results and progress
// pass the secret masker in both.
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import type { AuditLog } from './audit/audit-log.js';
import { fromOwnOrigin } from './auth/csrf.js';
import { allows } from './auth/roles.js';
import type { Session } from './auth/sessions.js';
import { ApiError, errorReply, send } from './http/api-error.js';
import type { OpsDeps } from './ops/deps.js';
import { maskSecrets } from './ops/mask-secrets.js';
import { BOARD_PATH, boardPolicies } from './policy.js';

// The console's mark (the sidebar's "B" on the accent colour), inline so the board needs no asset route.
const LOGO = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#3b5bdb"/><text x="16" y="22.5" text-anchor="middle" font-family="system-ui,-apple-system,Segoe UI,sans-serif" font-size="18" font-weight="700" fill="#fff">B</text></svg>',
)}`;

/**
 * Bull Board dressed as part of the console: its title, mark and accent colours, and a link back.
 * Its URLs, for links from the console: `/board/queue/<name>?status=<state>` and `/board/queue/<name>/<jobId>`.
 */
export function boardUiConfig(readOnlyMode: boolean) {
  return {
    boardTitle: readOnlyMode ? 'Bullpen (read-only)' : 'Bullpen',
    boardLogo: { path: LOGO, width: 28, height: 28 },
    favIcon: { default: LOGO, alternative: LOGO },
    miscLinks: [{ text: 'Back to the console', url: '/' }],
    hideDocsLink: true,
    theme: {
      light: { primary: '#3b5bdb', 'primary-foreground': '#ffffff', ring: '#3b5bdb' },
      dark: { primary: '#7c93f5', 'primary-foreground': '#0f1318', ring: '#7c93f5' },
    },
  };
}

function buildBoard(deps: OpsDeps, readOnlyMode: boolean): Express {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BOARD_PATH);
  const queues = deps.runtime.queueNames.map((name) => {
    const adapter = new BullMQAdapter(deps.runtime.queue(name)!, { readOnlyMode, description: deps.runtime.definition(name)?.description ?? '' });
    adapter.setFormatter('data', (data: unknown) => maskSecrets(data));
    adapter.setFormatter('returnValue', (value: unknown) => maskSecrets(value));
    adapter.setFormatter('progress', (value: unknown) => maskSecrets(value));
    return adapter;
  });
  createBullBoard({ queues, serverAdapter, options: { uiConfig: boardUiConfig(readOnlyMode) } });
  return serverAdapter.getRouter() as Express;
}

/** Runs a sub-app as Express's own mounting would, restoring the request's prototypes afterwards. */
function dispatch(sub: Express): RequestHandler {
  return (req, res, next) => {
    const parent = req.app as unknown as { request: object; response: object };
    sub(req, res, (err?: unknown) => {
      Object.setPrototypeOf(req, parent.request);
      Object.setPrototypeOf(res, parent.response);
      next(err);
    });
  };
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
const readPolicy = boardPolicies.find((p) => p.method === 'get')!;
const writePolicy = boardPolicies.find((p) => p.method === 'post')!;

export function mountBoard(app: Express, deps: OpsDeps, audit: AuditLog, sessionOf: (req: Request) => Session | null): void {
  const full = dispatch(buildBoard(deps, false));
  const readOnly = dispatch(buildBoard(deps, true));

  app.use(BOARD_PATH, async (req: Request, res: Response, next: NextFunction) => {
    try {
      const session = sessionOf(req);
      const write = !READS.has(req.method);
      if (!session) {
        if (!write && !req.path.startsWith('/api/')) {
          res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
          return;
        }
        throw new ApiError(401, 'UNAUTHENTICATED', 'Sign in first.');
      }
      if (!write) {
        if (!allows(session.role, readPolicy.role)) throw new ApiError(403, 'FORBIDDEN', 'Not allowed.');
        (allows(session.role, writePolicy.role) ? full : readOnly)(req, res, next);
        return;
      }
      if (!allows(session.role, writePolicy.role)) throw new ApiError(403, 'FORBIDDEN', `Changing queues on the board needs the ${writePolicy.role} role; you are ${session.role}.`);
      if (!fromOwnOrigin(req)) throw new ApiError(403, 'CSRF_FAILED', 'Cross-site request refused.');
      const actor = { username: session.username, role: session.role, ip: req.ip };
      const action = `board.${req.method.toLowerCase()}`;
      const target = `board:${req.path.slice(0, 300)}`;
      const attemptId = await audit.start(actor, action, target, {});
      res.on('finish', () => {
        void audit.finish(attemptId, actor, action, target, {}, res.statusCode < 400 ? 'succeeded' : res.statusCode < 500 ? 'rejected' : 'failed', { status: res.statusCode });
      });
      full(req, res, next);
    } catch (err) {
      send(res, errorReply(err, deps.logger, { board: req.path }));
    }
  });
}
