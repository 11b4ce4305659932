// Dead letters: the filtered list, its groups by error fingerprint, and replay/discard by selection or
// by filter. Keys hang from ['dead-letters'] so every action refreshes list, groups and counts at once.
import { keepPreviousData, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { toast } from '../../components/Toaster';
import { api, unwrap } from '../../lib/api-client';
import type { GetResponse } from '../../lib/api-contract';
import { errorMessage } from '../../lib/api-error';
import { queryKeys } from '../../lib/query-keys';

export type DeadLetter = GetResponse<'/api/v1/dead-letters'>['items'][number];
export type DeadLetterGroup = GetResponse<'/api/v1/dead-letters/groups'>['groups'][number];
export type DeadLetterStatus = DeadLetter['status'];

/** What the URL's filters select. `group` is an error fingerprint. Times are ISO strings. */
export interface DeadLetterFilter {
  status?: DeadLetterStatus | undefined;
  queue?: string | undefined;
  q?: string | undefined;
  group?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export const PAGE_SIZE = 50;
/** The API replays or discards at most this many per call when selecting by filter. */
const BULK_LIMIT = 1_000;

/** The filter as the API names its query fields (only the ones set). */
export function apiFilter(filter: DeadLetterFilter) {
  return {
    ...(filter.queue ? { queue: filter.queue } : {}),
    ...(filter.q ? { q: filter.q } : {}),
    ...(filter.group ? { fingerprint: filter.group } : {}),
    ...(filter.from ? { from: filter.from } : {}),
    ...(filter.to ? { to: filter.to } : {}),
    status: filter.status ?? 'dead',
  };
}

export const deadLetterKeys = {
  all: ['dead-letters'] as const,
  list: (filter: DeadLetterFilter, page: number) => ['dead-letters', 'list', apiFilter(filter), page] as const,
  groups: (filter: DeadLetterFilter) => ['dead-letters', 'groups', apiFilter(filter)] as const,
};

export const deadLettersQuery = (filter: DeadLetterFilter, page: number) =>
  queryOptions({
    queryKey: deadLetterKeys.list(filter, page),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/dead-letters', { params: { query: { ...apiFilter(filter), page, pageSize: PAGE_SIZE } }, signal })),
    placeholderData: keepPreviousData,
    // New dead letters arrive with failures, which the queue events do not name: refresh on a beat.
    refetchInterval: 15_000,
  });

/** Groups ignore the chosen group itself, so the other groups stay visible beside it. */
export const groupsQuery = (filter: DeadLetterFilter) =>
  queryOptions({
    queryKey: deadLetterKeys.groups({ ...filter, group: undefined }),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/dead-letters/groups', { params: { query: apiFilter({ ...filter, group: undefined }) }, signal })),
    placeholderData: keepPreviousData,
    refetchInterval: 15_000,
  });

/** The URL of the JSON export of everything matching the filter (a download, sent with the session cookie). */
export function exportUrl(filter: DeadLetterFilter): string {
  const params = new URLSearchParams(Object.entries(apiFilter(filter)).map(([k, v]) => [k, String(v)]));
  return `/api/v1/dead-letters/export?${params.toString()}`;
}

export type BulkAction = 'replay' | 'discard';

export type BulkTarget = { ids: number[] } | { filter: DeadLetterFilter; expected: number; countedAt: string };

interface BulkOutcome {
  action: BulkAction;
  done: number;
  /** Selected or expected, for "replayed 48 of 50". */
  asked: number;
  queues: string[];
}

/** The console never asks for a dry run (it counts with GET /dead-letters/count), so an answer without the action's result is a fault. */
function acted<T extends object>(r: T): Exclude<T, { dryRun: true }> {
  if ('dryRun' in r) throw new Error('The API answered a dry run to an action.');
  return r as Exclude<T, { dryRun: true }>;
}

async function callOnce(action: BulkAction, body: { ids: number[] } | { filter: Record<string, string> }) {
  if (action === 'replay') {
    const r = acted(await unwrap(api.POST('/api/v1/dead-letters/replay', { body })));
    return { done: r.replayed.length, queues: r.replayed.map((x) => x.queue) };
  }
  const r = acted(await unwrap(api.POST('/api/v1/dead-letters/discard', { body })));
  return { done: r.discarded.length, queues: [] as string[] };
}

/**
 * Runs a bulk action. By filter, the API touches at most 1 000 letters per call, so this repeats until
 * a call touches none, bounded by the count the confirmation showed. The filter is pinned to the
 * moment it was counted (`to`), so letters that fail after the operator confirmed are not swept in.
 */
async function runBulk(action: BulkAction, target: BulkTarget): Promise<BulkOutcome> {
  if ('ids' in target) {
    const r = await callOnce(action, { ids: target.ids });
    return { action, done: r.done, asked: target.ids.length, queues: r.queues };
  }
  const { status: _status, ...fields } = apiFilter(target.filter);
  const to = fields.to && fields.to < target.countedAt ? fields.to : target.countedAt;
  const filter = { ...fields, to };
  let done = 0;
  const queues: string[] = [];
  for (let call = 0; call <= Math.ceil(target.expected / BULK_LIMIT); call++) {
    const r = await callOnce(action, { filter });
    done += r.done;
    queues.push(...r.queues);
    if (r.done === 0 || done >= target.expected) break;
  }
  return { action, done, asked: target.expected, queues };
}

const plural = (n: number) => `${n.toLocaleString('en')} dead ${n === 1 ? 'letter' : 'letters'}`;

export function useBulkAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ action, target }: { action: BulkAction; target: BulkTarget }) => runBulk(action, target),
    onSuccess: ({ action, done, asked, queues }) => {
      const verb = action === 'replay' ? 'Replayed' : 'Discarded';
      const into = [...new Set(queues)];
      toast({
        title: done === asked ? `${verb} ${plural(done)}` : `${verb} ${done.toLocaleString('en')} of ${plural(asked)}`,
        description: [
          done < asked ? `${(asked - done).toLocaleString('en')} were no longer dead (replayed or discarded meanwhile).` : undefined,
          action === 'replay' && into.length > 0 ? `New jobs were added to ${into.slice(0, 3).join(', ')}${into.length > 3 ? ` and ${into.length - 3} more` : ''}.` : undefined,
        ]
          .filter(Boolean)
          .join(' ') || undefined,
        tone: done === asked ? 'success' : done === 0 ? 'error' : 'warning',
      });
    },
    onError: (error, { action }) => toast({ title: `Could not ${action} the dead letters`, description: errorMessage(error), tone: 'error' }),
    onSettled: () =>
      Promise.all([queryClient.invalidateQueries({ queryKey: deadLetterKeys.all }), queryClient.invalidateQueries({ queryKey: queryKeys.queues.all })]),
  });
}
