// One error shape for every API answer: {error: {code, message, details}}, with stable codes.
import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';

export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'INVALID_JSON'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNAUTHENTICATED'
  | 'INVALID_CREDENTIALS'
  | 'FORBIDDEN'
  | 'CSRF_FAILED'
  | 'NOT_FOUND'
  | 'QUEUE_NOT_FOUND'
  | 'JOB_NOT_FOUND'
  | 'SCHEDULE_NOT_FOUND'
  | 'DEAD_LETTER_NOT_FOUND'
  | 'ALERT_RULE_NOT_FOUND'
  | 'ALERT_CHANNEL_NOT_FOUND'
  | 'ALERT_INCIDENT_NOT_FOUND'
  | 'OUTBOUND_URL_REJECTED'
  | 'USER_NOT_FOUND'
  | 'USER_EXISTS'
  | 'WEAK_PASSWORD'
  | 'LAST_ADMIN'
  | 'SELF_DISABLE'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'REDIS_UNAVAILABLE'
  | 'DATABASE_UNAVAILABLE'
  | 'AUDIT_UNAVAILABLE'
  | 'TIMEOUT'
  | 'INTERNAL';

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** An error a handler or guard throws on purpose; it becomes its own status and code. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  reply(): Reply {
    const body: ErrorBody = { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
    const retryAfter = (this.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    return { status: this.status, body, ...(typeof retryAfter === 'number' ? { headers: { 'Retry-After': String(retryAfter) } } : {}) };
  }
}

export const notFound = (code: Extract<ErrorCode, `${string}NOT_FOUND`>, message: string) => new ApiError(404, code, message);

function* causes(err: unknown): Generator<{ name?: unknown; message?: unknown; code?: unknown }> {
  let current = err;
  for (let depth = 0; depth < 8 && current && typeof current === 'object'; depth++) {
    yield current as { name?: unknown; message?: unknown; code?: unknown };
    current = (current as { cause?: unknown }).cause;
  }
}

// ioredis with a fail-fast connection rejects at once while Redis is away, with one of these.
const REDIS_DOWN = /Connection is closed|Stream isn't writeable|enableOfflineQueue|Reached the max retries per request|Command timed out|connect ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Connection in subscriber mode|LOADING Redis is loading/;

export function isRedisUnavailable(err: unknown): boolean {
  for (const e of causes(err)) {
    if (e.name === 'MaxRetriesPerRequestError') return true;
    if (typeof e.message === 'string' && REDIS_DOWN.test(e.message) && !isPostgresError(e)) return true;
  }
  return false;
}

function isPostgresError(e: { name?: unknown; message?: unknown }): boolean {
  return e.name === 'DrizzleQueryError' || (typeof e.message === 'string' && e.message.startsWith('Failed query'));
}

const PG_DOWN_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P02', '57P03', '08000', '08003', '08006']);

export function isDatabaseUnavailable(err: unknown): boolean {
  let sawPg = false;
  for (const e of causes(err)) {
    if (isPostgresError(e)) sawPg = true;
    if (typeof e.code === 'string' && PG_DOWN_CODES.has(e.code) && sawPg) return true;
    if (typeof e.message === 'string' && /Connection terminated|connection is closed|Cannot use a pool after calling end|PGlite is closed/i.test(e.message) && sawPg) return true;
  }
  return false;
}

/** Turns anything thrown while answering into a reply: known 4xx/503 kinds, else a logged 500. */
export function errorReply(err: unknown, log: Logger, context: Record<string, unknown> = {}): Reply {
  if (err instanceof ApiError) return err.reply();
  if (isRedisUnavailable(err)) {
    return new ApiError(503, 'REDIS_UNAVAILABLE', 'Redis is unavailable; queue data cannot be read or changed right now. Try again shortly.').reply();
  }
  if (isDatabaseUnavailable(err)) {
    return new ApiError(503, 'DATABASE_UNAVAILABLE', 'PostgreSQL is unavailable right now. Try again shortly.').reply();
  }
  const status = (err as { status?: unknown; statusCode?: unknown })?.status ?? (err as { statusCode?: unknown })?.statusCode;
  const type = (err as { type?: unknown })?.type;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    if (status === 413 || type === 'entity.too.large') return new ApiError(413, 'PAYLOAD_TOO_LARGE', 'The request body is too large.').reply();
    if (type === 'entity.parse.failed') return new ApiError(400, 'INVALID_JSON', 'The request body is not valid JSON.').reply();
    return new ApiError(400, 'VALIDATION_FAILED', 'The request could not be read.', { reason: typeof type === 'string' ? type : undefined }).reply();
  }
  if (err instanceof URIError) return new ApiError(400, 'VALIDATION_FAILED', 'The request path is not valid percent-encoding.').reply();
  log.error({ err, ...context }, 'unexpected error while answering a request');
  return new ApiError(500, 'INTERNAL', 'Something went wrong on our side; it has been logged.').reply();
}

export function send(res: import('express').Response, reply: Reply): void {
  if (res.headersSent) return;
  if (reply.headers) res.set(reply.headers);
  res.status(reply.status).json(reply.body);
}

/** Last Express error handler: one shape, no stacks. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    send(res, errorReply(err, log, { method: req.method, path: req.path }));
  };
}
