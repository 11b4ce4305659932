// Bull Board at /board, behind the same session. Two boards over the same queues: a full one for
// operators and admins, and one whose queue adapters are read-only for viewers. Every request is held
// to its row of the policy table before either board sees it (hiding buttons is not enough): the
// role (destructive actions are for admins), a CSRF proof for writes (our token, or a positive
// same-origin header; never nothing), and writes are audited with their parameters, refusals too.
// Every job field a secret can hide in (data, name, failed reason, stack trace, progress, result,
// logs) passes the one secret masker.
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { SecretMasker } from '@bullpen/jobs';
import type { Job, Queue } from 'bullmq';
import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { AuditActor, AuditLog } from './audit/audit-log.js';
import { csrfFailure } from './auth/csrf.js';
import { allows } from './auth/roles.js';
import type { Session } from './auth/sessions.js';
import { ApiError, errorReply, send } from './http/api-error.js';
import type { OpsDeps } from './ops/deps.js';
import { BOARD_MAX_JOBS_PER_PAGE, BOARD_PATH, boardPolicyFor } from './policy.js';

/** A job whose toJSON (all Bull Board reads of it) is masked; its methods still act on the real job. */
function maskedJob(job: Job, masker: SecretMasker): Job {
  const json = job.toJSON() as unknown as Record<string, unknown>;
  const masked = {
    ...json,
    name: typeof json.name === 'string' ? masker.text(json.name) : json.name,
    data: masker.value(json.data),
    opts: masker.value(json.opts),
    progress: masker.value(json.progress),
    returnvalue: masker.value(json.returnvalue),
    failedReason: typeof json.failedReason === 'string' ? masker.text(json.failedReason) : json.failedReason,
    stacktrace: Array.isArray(json.stacktrace) ? json.stacktrace.map((line: unknown) => (typeof line === 'string' ? masker.text(line) : line)) : json.stacktrace,
  };
  return Object.assign(Object.create(job) as Job, { toJSON: () => masked });
}

/** Bull Board's formatters cover data, name, progress and result only; this covers every field and the logs. */
class MaskedBullMQAdapter extends BullMQAdapter {
  constructor(
    queue: Queue,
    options: ConstructorParameters<typeof BullMQAdapter>[1],
    private readonly masker: SecretMasker,
  ) {
    super(queue, options);
  }

  override async getJob(id: string): Promise<Job | undefined> {
    const job = await super.getJob(id);
    return job ? maskedJob(job, this.masker) : job;
  }

  override async getJobs(...args: Parameters<BullMQAdapter['getJobs']>): Promise<Job[]> {
    return (await super.getJobs(...args)).map((job) => (job ? maskedJob(job, this.masker) : job));
  }

  override async getJobLogs(id: string): Promise<string[]> {
    return (await super.getJobLogs(id)).map((line) => this.masker.text(line));
  }
}

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
  const queues = deps.runtime.queueNames.map(
    (name) => new MaskedBullMQAdapter(deps.runtime.queue(name)!, { readOnlyMode, description: deps.runtime.definition(name)?.description ?? '' }, deps.runtime.masker),
  );
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

/** Lowers `jobsPerPage` to the cap in the URL the board reads, so one page never loads an unbounded list. */
function capJobsPerPage(req: Request): void {
  const q = req.url.indexOf('?');
  if (q < 0) return;
  const search = new URLSearchParams(req.url.slice(q + 1));
  const asked = search.get('jobsPerPage');
  if (asked === null || !(Number(asked) > BOARD_MAX_JOBS_PER_PAGE)) return;
  search.set('jobsPerPage', String(BOARD_MAX_JOBS_PER_PAGE));
  req.url = `${req.url.slice(0, q)}?${search.toString()}`;
}

/** What BullMQ's clean accepts: anything else names a key of another type (a 500 from Redis). */
const CLEANABLE = new Set(['completed', 'wait', 'waiting', 'active', 'paused', 'prioritized', 'delayed', 'failed']);
const CLEAN_PATH = /^\/api\/queues\/[^/]+\/clean\/([^/]+)\/?$/;

/**
 * Input Bull Board answers with a 500, refused first with a 400: a NUL anywhere in the URL (the API's
 * text() rule; Bull Board's own validation messages split on it and then fail to parse), and a clean
 * of something that is not a job state.
 */
function boardInputFailure(req: Request): string | undefined {
  if (/%00/i.test(req.url) || req.url.includes('\u0000')) return 'The URL must not contain the NUL character (\\u0000).';
  const clean = CLEAN_PATH.exec(req.path);
  if (clean && req.method === 'PUT' && !CLEANABLE.has(clean[1]!)) return `Cannot clean "${clean[1]!.slice(0, 40)}": expected one of ${[...CLEANABLE].join(', ')}.`;
  return undefined;
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
const BODY_LIMIT = '100kb';

export function mountBoard(app: Express, deps: OpsDeps, audit: AuditLog, sessionOf: (req: Request) => Session | null): void {
  const full = dispatch(buildBoard(deps, false));
  const readOnly = dispatch(buildBoard(deps, true));
  const operatorPolicy = boardPolicyFor('put', BOARD_PATH);
  // Parsed here so the audit rows hold what a write asked for (Bull Board's own parser then skips it).
  const json = express.json({ limit: BODY_LIMIT });

  app.use(BOARD_PATH, (req: Request, res: Response, next: NextFunction) => (READS.has(req.method) ? next() : json(req, res, next)));
  app.use(BOARD_PATH, async (req: Request, res: Response, next: NextFunction) => {
    const session = sessionOf(req);
    const write = !READS.has(req.method);
    const policy = boardPolicyFor(req.method, `${BOARD_PATH}${req.path}`);
    const actor: AuditActor | undefined = session ? { username: session.username, role: session.role, ip: req.ip } : undefined;
    const action = `board.${req.method.toLowerCase()}`;
    const target = `board:${req.path.slice(0, 300)}`;
    const params = () => ({ path: req.path.slice(0, 300), query: req.query, body: req.body as unknown });
    try {
      if (!session) {
        if (!write && !req.path.startsWith('/api/')) {
          res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
          return;
        }
        throw new ApiError(401, 'UNAUTHENTICATED', 'Sign in first.');
      }
      if (!allows(session.role, policy.role)) {
        throw new ApiError(403, 'FORBIDDEN', write ? `This board action needs the ${policy.role} role; you are ${session.role}.` : 'Not allowed.');
      }
      const invalid = boardInputFailure(req);
      if (invalid) throw new ApiError(400, 'VALIDATION_FAILED', invalid);
      capJobsPerPage(req);
      if (!write) {
        (allows(session.role, operatorPolicy.role) ? full : readOnly)(req, res, next);
        return;
      }
      const csrf = csrfFailure(policy.csrf, req, session.csrfToken);
      if (csrf) throw new ApiError(403, 'CSRF_FAILED', csrf);
      const attemptId = await audit.start(actor!, action, target, params());
      res.on('finish', () => {
        void audit.finish(attemptId, actor!, action, target, params(), res.statusCode < 400 ? 'succeeded' : res.statusCode < 500 ? 'rejected' : 'failed', { status: res.statusCode });
      });
      full(req, res, next);
    } catch (err) {
      const reply = errorReply(err, deps.logger, { board: req.path });
      const code = (reply.body as { error?: { code?: string } }).error?.code;
      send(res, reply);
      // Refused writes are audited too, after the answer (anonymous ones are only logged: see mount-routes.ts).
      if (write && actor && code !== 'AUDIT_UNAVAILABLE') await audit.record(actor, action, target, params(), 'rejected', { status: reply.status, code });
    }
  });
}
