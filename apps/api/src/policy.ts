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

/** Bull Board: reading needs a session; any write (PUT/POST/PATCH/DELETE) needs an operator. */
export const boardPolicies: Policy[] = [
  { method: 'get', path: BOARD_PATH, role: 'viewer', csrf: 'none', note: 'viewers get a read-only board' },
  ...(['post', 'put', 'patch', 'delete'] as const).map((method) => ({ method, path: BOARD_PATH, role: 'operator' as const, csrf: 'origin' as const, note: 'audited' })),
];

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
