// Queue reads (overview, one queue, its jobs) and queue actions. Query options serve both route loaders
// and components; every mutation answers with a toast and invalidates the queue's branch of the cache.
import { keepPreviousData, queryOptions, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { toast } from '../../components/Toaster';
import { api, unwrap } from '../../lib/api-client';
import type { GetResponse } from '../../lib/api-contract';
import { ApiError, errorMessage } from '../../lib/api-error';
import { summariseSelection } from '../../lib/outcome';
import { queryKeys } from '../../lib/query-keys';
import type { JobState } from './job-states';

export type QueueOverview = GetResponse<'/api/v1/queues'>['queues'][number];
export type QueueDetail = GetResponse<'/api/v1/queues/{queue}'>;
export type JobPage = GetResponse<'/api/v1/queues/{queue}/jobs'>;
export type JobSummary = JobPage['items'][number];

export const PAGE_SIZE = 50;

/**
 * Whether a job id exists in the queue (for "find a job by id"). The answer is the job itself, so it
 * goes into the cache under the job page's key and the page opens without asking again.
 */
export async function findJob(queryClient: QueryClient, queue: string, id: string): Promise<boolean> {
  try {
    const job = await unwrap(api.GET('/api/v1/queues/{queue}/jobs/{id}', { params: { path: { queue, id } } }));
    queryClient.setQueryData(queryKeys.queues.job(queue, id), job);
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.code === 'JOB_NOT_FOUND') return false;
    throw error;
  }
}

export const queuesQuery = queryOptions({
  queryKey: queryKeys.queues.list(),
  queryFn: ({ signal }) => unwrap(api.GET('/api/v1/queues', { signal })),
});

export const queueQuery = (queue: string) =>
  queryOptions({
    queryKey: queryKeys.queues.detail(queue),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/queues/{queue}', { params: { path: { queue } }, signal })),
  });

export const jobsQuery = (queue: string, filters: { state: JobState; page: number }) =>
  queryOptions({
    queryKey: queryKeys.queues.jobs(queue, filters),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/queues/{queue}/jobs', {
          params: { path: { queue }, query: { state: filters.state, page: filters.page, pageSize: PAGE_SIZE } },
          signal,
        }),
      ),
    // Paging and live refreshes keep the old rows on screen instead of flashing a spinner.
    placeholderData: keepPreviousData,
  });

/** Run times of the queue's most recently finished jobs (two hash fields each, no data). */
export const durationsQuery = (queue: string) =>
  queryOptions({
    queryKey: queryKeys.queues.durations(queue),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/queues/{queue}/durations', { params: { path: { queue }, query: { limit: 200 } }, signal })),
  });

/** What a drain would remove right now: the number its confirmation states. */
export const drainPreviewQuery = (queue: string, delayed: boolean) =>
  queryOptions({
    queryKey: queryKeys.queues.preview(queue, { action: 'drain', delayed }),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/queues/{queue}/drain-preview', { params: { path: { queue }, query: { delayed: delayed ? 'true' : 'false' } }, signal })),
    staleTime: 0,
  });

export const cleanPreviewQuery = (queue: string, state: CleanableState, olderThanMs: number) =>
  queryOptions({
    queryKey: queryKeys.queues.preview(queue, { action: 'clean', state, olderThanMs }),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/queues/{queue}/clean-preview', { params: { path: { queue }, query: { state, olderThanMs } }, signal })),
    staleTime: 0,
  });

function useInvalidateQueue(queue: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: queryKeys.queues.detail(queue) }),
      queryClient.invalidateQueries({ queryKey: queryKeys.queues.list() }),
    ]);
}

const failed = (what: string) => (error: unknown) => toast({ title: `Could not ${what}`, description: errorMessage(error), tone: 'error' });

export function usePauseQueue(queue: string) {
  const invalidate = useInvalidateQueue(queue);
  return useMutation({
    mutationFn: async (pause: boolean): Promise<{ paused: boolean }> =>
      pause
        ? unwrap(api.POST('/api/v1/queues/{queue}/pause', { params: { path: { queue } } }))
        : unwrap(api.POST('/api/v1/queues/{queue}/resume', { params: { path: { queue } } })),
    onSuccess: (result) => toast({ title: result.paused ? `Paused ${queue}` : `Resumed ${queue}`, description: result.paused ? 'Workers stop taking its jobs; active jobs finish.' : 'Workers take its jobs again.', tone: 'success' }),
    onError: failed('change the queue'),
    onSettled: invalidate,
  });
}

export function useDrainQueue(queue: string) {
  const invalidate = useInvalidateQueue(queue);
  return useMutation({
    mutationFn: (delayed: boolean) => unwrap(api.POST('/api/v1/queues/{queue}/drain', { params: { path: { queue } }, body: { delayed } })),
    onSuccess: (r) =>
      toast({
        title: `Removed ${r.removed.toLocaleString('en')} waiting ${r.removed === 1 ? 'job' : 'jobs'}`,
        description: r.complete ? undefined : 'More remain: the API stops after a bounded number of batches. Drain again to continue.',
        tone: r.complete ? 'success' : 'warning',
      }),
    onError: failed('drain the queue'),
    onSettled: invalidate,
  });
}

export type CleanableState = 'completed' | 'failed' | 'delayed' | 'wait' | 'prioritized';

export function useCleanQueue(queue: string) {
  const invalidate = useInvalidateQueue(queue);
  return useMutation({
    mutationFn: (input: { state: CleanableState; olderThanMs: number }) => unwrap(api.POST('/api/v1/queues/{queue}/clean', { params: { path: { queue } }, body: input })),
    onSuccess: (r) =>
      toast({
        title: `Cleaned ${r.removed.toLocaleString('en')} ${r.state} ${r.removed === 1 ? 'job' : 'jobs'}`,
        description: r.complete ? undefined : 'More remain past this call’s limit. Clean again to continue.',
        tone: r.complete ? 'success' : 'warning',
      }),
    onError: failed('clean the queue'),
    onSettled: invalidate,
  });
}

export function useRetryAllFailed(queue: string) {
  const invalidate = useInvalidateQueue(queue);
  return useMutation({
    mutationFn: (expected: number) => unwrap(api.POST('/api/v1/queues/{queue}/retry-failed', { params: { path: { queue } } })).then((r) => ({ ...r, expected })),
    onSuccess: (r) =>
      toast(
        r.retried >= r.expected
          ? { title: `Retried ${r.retried.toLocaleString('en')} failed ${r.retried === 1 ? 'job' : 'jobs'}`, tone: 'success' }
          : {
              title: `Retried ${r.retried.toLocaleString('en')} of ${r.expected.toLocaleString('en')} failed jobs`,
              description: `${(r.expected - r.retried).toLocaleString('en')} were no longer failed, or failed again meanwhile.`,
              tone: 'warning',
            },
      ),
    onError: failed('retry the failed jobs'),
    onSettled: invalidate,
  });
}

export function useResetBreaker(queue: string) {
  const invalidate = useInvalidateQueue(queue);
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/queues/{queue}/breaker/reset', { params: { path: { queue } } })),
    onSuccess: () => toast({ title: `Closed the breaker of ${queue}`, description: 'Its jobs run again on every instance.', tone: 'success' }),
    onError: failed('reset the breaker'),
    onSettled: invalidate,
  });
}

const selectionActions = {
  retry: { path: '/api/v1/queues/{queue}/jobs/retry', verb: 'Retried', refusedAs: 'no longer failed' },
  remove: { path: '/api/v1/queues/{queue}/jobs/remove', verb: 'Removed', refusedAs: 'active (locked by a worker)' },
  promote: { path: '/api/v1/queues/{queue}/jobs/promote', verb: 'Promoted', refusedAs: 'no longer delayed' },
} as const;
export type SelectionAction = keyof typeof selectionActions;

export function useSelectionAction(queue: string) {
  const invalidate = useInvalidateQueue(queue);
  return useMutation({
    mutationFn: ({ action, ids }: { action: SelectionAction; ids: string[] }) =>
      unwrap(api.POST(selectionActions[action].path, { params: { path: { queue } }, body: { ids } })).then((r) => ({ ...r, action })),
    onSuccess: ({ results, action }) => {
      const { verb, refusedAs } = selectionActions[action];
      toast(summariseSelection(verb, results, refusedAs));
    },
    onError: failed('act on the selection'),
    onSettled: invalidate,
  });
}
