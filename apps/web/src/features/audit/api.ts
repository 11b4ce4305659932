// The audit log, newest first, one page at a time. Admin-only in the API, so only admins see the page.
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api-client';
import type { GetResponse } from '../../lib/api-contract';

export type AuditPage = GetResponse<'/api/v1/audit'>;
export type AuditEntry = AuditPage['items'][number];
export type AuditOutcome = AuditEntry['outcome'];

export interface AuditFilter {
  actor?: string | undefined;
  action?: string | undefined;
  /** Exact target or a prefix of one (`queue:` for every queue action). */
  target?: string | undefined;
  outcome?: AuditOutcome | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export const PAGE_SIZE = 50;

function apiFilter(filter: AuditFilter) {
  return Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)) as AuditFilter;
}

export const auditKeys = {
  all: ['audit'] as const,
  list: (filter: AuditFilter, page: number) => ['audit', 'list', apiFilter(filter), page] as const,
};

export const auditQuery = (filter: AuditFilter, page: number) =>
  queryOptions({
    queryKey: auditKeys.list(filter, page),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/audit', { params: { query: { ...apiFilter(filter), page, pageSize: PAGE_SIZE } }, signal })),
    placeholderData: keepPreviousData,
    // Other operators act meanwhile; the first page should show it without a reload.
    refetchInterval: page === 1 ? 10_000 : false,
  });
