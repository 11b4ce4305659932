// The declarative routes table: method, path, who may call it, how it is protected against CSRF, the
// zod schemas of its inputs and of its success response, and a handler that takes plain data and
// returns {status, body}. The Express adapter (mount-routes.ts), the OpenAPI description (and from it
// the SPA's generated types), the route × role test and the response-contract test all read it.
import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { Access } from '../auth/roles.js';
import type { CsrfMode } from '../auth/csrf.js';
import type { Session } from '../auth/sessions.js';
import type { Reply } from './api-error.js';

export interface HandlerInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  session: Session | null;
  ip: string;
  /** The session cookie as presented (login rotates it away). */
  cookieToken: string | undefined;
  /** The request came over TLS (directly or, with TRUST_PROXY, through a proxy). */
  tls: boolean;
  /**
   * When (ms since epoch) work that comes in batches stops starting new ones and answers with what it
   * did and whether more remains: well before the request's deadline, so the answer is the outcome.
   */
  workUntil: number;
}

export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: 'get' | 'post';
  /** Under /api/v1, in Express syntax (`/queues/:queue`). */
  path: string;
  summary: string;
  /** Least role that may call it; `public` needs no session. */
  role: Access;
  /** `token`: X-CSRF-Token plus the origin check; `origin`: the origin check only; `none` for reads. */
  csrf: CsrfMode;
  params?: P;
  query?: Q;
  body?: B;
  /**
   * The JSON body of a success, as it is on the wire (dates are ISO strings). Strict objects, so a
   * field a handler adds without declaring it fails the contract test instead of reaching the SPA
   * untyped. For a stream, the data of its events.
   */
  response: z.ZodType;
  /** The success status when it is not 200 (202 for work that continues after the answer). */
  successStatus?: 201 | 202;
  /** Answers 404 before anything else runs (queue exists? schedule exists?). */
  guard?: (input: HandlerInput<z.output<P>, z.output<Q>, z.output<B>>) => void | Promise<void>;
  /**
   * State-changing routes name their audit action and target; the adapter writes the audit rows, and
   * a row for every refusal (403, CSRF, 400, 404). `selfAudited`: the handler writes its own outcome
   * row, because the actor is only known inside it (sign-in: whoever tried).
   */
  audit?: { action: string; target: (input: HandlerInput<z.output<P>, z.output<Q>, z.output<B>>) => string; selfAudited?: boolean };
  handler?: (input: HandlerInput<z.output<P>, z.output<Q>, z.output<B>>) => Promise<Reply>;
  /** For responses that are not one JSON body (server-sent events). */
  stream?: (req: Request, res: Response, input: HandlerInput<z.output<P>, z.output<Q>, z.output<B>>) => void;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Route = RouteSpec<any, any, any>;

/** Keeps the handler's input types flowing from the schemas. */
export function defineRoute<P extends z.ZodType = z.ZodUnknown, Q extends z.ZodType = z.ZodUnknown, B extends z.ZodType = z.ZodUnknown>(
  spec: RouteSpec<P, Q, B>,
): Route {
  if (spec.method !== 'get' && spec.csrf === 'none') throw new Error(`${spec.method.toUpperCase()} ${spec.path} changes state: it needs CSRF protection`);
  if (spec.method !== 'get' && !spec.audit && spec.role !== 'public' && spec.role !== 'viewer') {
    throw new Error(`${spec.method.toUpperCase()} ${spec.path} changes state: it needs an audit action`);
  }
  return spec;
}

export const ok = (body: unknown, status = 200): Reply => ({ status, body });
