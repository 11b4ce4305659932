// Adapts the routes table to Express: session → role → CSRF → input validation → 404 guards → audit
// start → handler → audit outcome. Every answer, success or error, leaves through `send`.
import type { Express, Request, Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { AuditLog } from '../audit/audit-log.js';
import { fromOwnOrigin, tokenMatches } from '../auth/csrf.js';
import { allows } from '../auth/roles.js';
import { readCookie, SESSION_COOKIE, type Session } from '../auth/sessions.js';
import { ApiError, errorReply, send, type Reply } from './api-error.js';
import type { HandlerInput, Route } from './route-table.js';

export const API_BASE = '/api/v1';

export interface MountOptions {
  routes: readonly Route[];
  audit: AuditLog;
  log: Logger;
  /** Resolves the caller's session (set by the session middleware). */
  sessionOf: (req: Request) => Session | null;
  /** No request holds a connection longer than this, whatever Redis or PostgreSQL do. Default 10 000 ms. */
  requestTimeoutMs?: number;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

class DeadlinePassed extends ApiError {
  constructor(timeoutMs: number, attemptId?: string) {
    super(
      503,
      'TIMEOUT',
      attemptId
        ? `No answer within ${timeoutMs} ms; the action may still complete: the audit log will record its outcome.`
        : `The request took longer than ${timeoutMs} ms; a backing service may be slow or down.`,
      attemptId ? { attemptId } : undefined,
    );
  }
}

function validate<T>(schema: z.ZodType<T> | undefined, value: unknown, where: 'params' | 'query' | 'body'): T {
  if (!schema) return (where === 'body' ? undefined : {}) as T;
  const parsed = schema.safeParse(value ?? (where === 'body' ? {} : value));
  if (!parsed.success) {
    throw new ApiError(400, 'VALIDATION_FAILED', `Invalid ${where}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`.slice(0, 500), {
      where,
      issues: parsed.error.issues.slice(0, 20).map((i) => ({ path: i.path.map(String), message: i.message, code: i.code })),
    });
  }
  return parsed.data;
}

function withDeadline<T>(promise: Promise<T>, timeoutMs: number, attemptId?: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_resolve, reject) => {
      timer = setTimeout(() => reject(new DeadlinePassed(timeoutMs, attemptId)), timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** What the audit keeps of a reply: its status, error code and top-level counts and flags (`removed`, `complete`). */
function auditDetail(reply: Reply): Record<string, unknown> {
  const body = reply.body as { error?: { code?: string } } | null;
  const detail: Record<string, unknown> = { status: reply.status };
  if (body?.error?.code) detail.code = body.error.code;
  else if (body && typeof body === 'object') {
    for (const [key, value] of Object.entries(body)) if (typeof value === 'number' || typeof value === 'boolean') detail[key] = value;
  }
  return detail;
}

function outcomeOf(reply: Reply): 'succeeded' | 'rejected' | 'failed' {
  return reply.status < 400 ? 'succeeded' : reply.status < 500 ? 'rejected' : 'failed';
}

export function authorize(route: Pick<Route, 'role' | 'csrf'>, req: Request, session: Session | null): void {
  if (route.role !== 'public') {
    if (!session) throw new ApiError(401, 'UNAUTHENTICATED', 'Sign in first.');
    if (!allows(session.role, route.role)) throw new ApiError(403, 'FORBIDDEN', `This needs the ${route.role} role; you are ${session.role}.`);
  }
  if (route.csrf !== 'none') {
    if (!fromOwnOrigin(req)) throw new ApiError(403, 'CSRF_FAILED', 'Cross-site request refused.');
    if (route.csrf === 'token' && !tokenMatches(req.get('x-csrf-token'), session?.csrfToken)) {
      throw new ApiError(403, 'CSRF_FAILED', 'Missing or wrong X-CSRF-Token header.');
    }
  }
}

async function run(route: Route, req: Request, res: Response, options: MountOptions): Promise<Reply | undefined> {
  const session = options.sessionOf(req);
  authorize(route, req, session);
  const input: HandlerInput<unknown, unknown, unknown> = {
    params: validate(route.params, req.params, 'params'),
    query: validate(route.query, req.query, 'query'),
    body: validate(route.body, req.body, 'body'),
    session,
    ip: req.ip ?? '',
    cookieToken: readCookie(req.get('cookie'), SESSION_COOKIE),
    tls: req.secure,
    workUntil: 0,
  };
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  // Half the deadline for batches leaves the other half for the last batch, the audit row and slow I/O.
  input.workUntil = Date.now() + timeoutMs / 2;
  if (route.guard) await withDeadline(Promise.resolve(route.guard(input)), timeoutMs);
  if (route.stream) {
    route.stream(req, res, input);
    return undefined;
  }
  if (!route.handler) throw new Error(`route ${route.path} has neither handler nor stream`);
  if (!route.audit || !session) return withDeadline(route.handler(input), timeoutMs);

  const actor = { username: session.username, role: session.role, ip: input.ip };
  const action = route.audit.action;
  const target = route.audit.target(input);
  const params = { params: input.params, query: input.query, body: input.body };
  const attemptId = await options.audit.start(actor, action, target, params);
  const startedAt = Date.now();
  const outcome = route.handler(input).catch((err: unknown) => errorReply(err, options.log, { route: route.path, action }));
  let reply: Reply;
  try {
    reply = await withDeadline(outcome, timeoutMs, attemptId);
  } catch (err) {
    // The caller gets 503 now, but the handler runs on and may well succeed: the audit records what
    // really happened once it settles (or stays at `started` if it never does).
    void outcome.then((late) =>
      options.audit.finish(attemptId, actor, action, target, params, outcomeOf(late), { ...auditDetail(late), answeredTimeoutAfterMs: timeoutMs, settledAfterMs: Date.now() - startedAt }),
    );
    return errorReply(err, options.log, { route: route.path, action });
  }
  await options.audit.finish(attemptId, actor, action, target, params, outcomeOf(reply), auditDetail(reply));
  return reply;
}

/** Registers every route of the table on `app` under /api/v1. */
export function mountRoutes(app: Express, options: MountOptions): void {
  for (const route of options.routes) {
    app[route.method](`${API_BASE}${route.path}`, async (req: Request, res: Response) => {
      try {
        const reply = await run(route, req, res, options);
        if (reply) send(res, reply);
      } catch (err) {
        send(res, errorReply(err, options.log, { route: route.path, method: req.method }));
      }
    });
  }
}
