// The one policy table: who may call each path of the app and how state changes are protected.
// The API routes contribute their own rows; the rest of the app (health, metrics, Bull Board, the SPA)
// is listed here. The route × role test reads this table and proves every Express route has a row.
import type { Access } from './auth/roles.js';
import type { CsrfMode } from './auth/csrf.js';
import { API_BASE } from './http/mount-routes.js';
import type { Route } from './http/route-table.js';

export interface Policy {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  role: Access;
  csrf: CsrfMode;
  note?: string;
}

export const BOARD_PATH = '/board';
/** Client-side routes of the SPA: every GET that is not API, board or metrics. */
export const SPA_ROUTE = /^\/(?!api\/|board|metrics).*/;

/** Most jobs one Bull Board page lists; a larger `jobsPerPage` is lowered to this. */
export const BOARD_MAX_JOBS_PER_PAGE = 100;

const board = (method: Policy['method'], path: string, role: Access, note: string): Policy => ({
  method,
  path: `${BOARD_PATH}${path}`,
  role,
  csrf: method === 'get' ? 'none' : 'token-or-same-origin',
  note,
});

/**
 * Bull Board: reading needs a session; any write (PUT/POST/PATCH/DELETE) needs an operator, a CSRF
 * proof and is audited with its parameters. The specific rows come first and win: what destroys or
 * rewrites queue state wholesale is for admins, and Redis server statistics are not for viewers.
 */
export const boardPolicies: Policy[] = [
  board('get', '/api/redis/stats', 'operator', 'Redis server statistics'),
  board('put', '/api/queues/:queueName/obliterate', 'admin', 'destroys the queue and every job'),
  board('put', '/api/queues/:queueName/empty', 'admin', 'removes every waiting job'),
  board('patch', '/api/queues/:queueName/:jobId/update-data', 'admin', 'rewrites job data'),
  board('post', '/api/queues/:queueName/add', 'admin', 'adds a job with any data'),
  board('put', '/api/queues/:queueName/job-schedulers/:schedulerId/remove', 'admin', 'removes a schedule'),
  board('patch', '/api/queues/:queueName/job-schedulers/:schedulerId', 'admin', 'rewrites a schedule'),
  board('put', '/api/queues/:queueName/concurrency', 'admin', 'global concurrency (exclusive types rely on 1)'),
  board('put', '/api/queues/:queueName/rate-limit', 'admin', 'global rate limit'),
  board('get', '', 'viewer', 'viewers get a read-only board'),
  ...(['post', 'put', 'patch', 'delete'] as const).map((method) => board(method, '', 'operator', 'audited with its parameters')),
];

const pathPattern = (path: string) => new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:\w+/g, '[^/]+')}/?$`);
const boardMatchers = boardPolicies.map((policy) => ({ policy, exact: policy.path !== BOARD_PATH, pattern: pathPattern(policy.path) }));

/** The policy row of one board request (`path` as the browser sent it, under BOARD_PATH). */
export function boardPolicyFor(method: string, path: string): Policy {
  const m = method.toLowerCase() === 'head' || method.toLowerCase() === 'options' ? 'get' : method.toLowerCase();
  const hit = boardMatchers.find((b) => b.exact && b.policy.method === m && b.pattern.test(path)) ?? boardMatchers.find((b) => !b.exact && b.policy.method === m);
  // Methods the table does not name (there are none Bull Board uses) get the strictest row.
  return hit?.policy ?? boardPolicies.find((p) => p.path === BOARD_PATH && p.method === 'put')!;
}

export function policyTable(routes: readonly Route[]): Policy[] {
  return [
    { method: 'get', path: '/healthz', role: 'public', csrf: 'none' },
    { method: 'get', path: '/readyz', role: 'public', csrf: 'none' },
    { method: 'get', path: '/metrics', role: 'admin', csrf: 'none', note: 'or Authorization: Bearer METRICS_TOKEN' },
    ...boardPolicies,
    { method: 'get', path: String(SPA_ROUTE), role: 'public', csrf: 'none', note: 'the SPA shell; it holds no data' },
    ...routes.map((r) => ({ method: r.method, path: `${API_BASE}${r.path}`, role: r.role, csrf: r.csrf })),
  ];
}
