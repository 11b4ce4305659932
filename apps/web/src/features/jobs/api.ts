// One job: its full record, and the actions on it (the queue's selection endpoints with one id).
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { toast } from '../../components/Toaster';
import { api, unwrap } from '../../lib/api-client';
import type { GetResponse } from '../../lib/api-contract';
import { errorMessage } from '../../lib/api-error';
import { queryKeys } from '../../lib/query-keys';

export type JobDetail = GetResponse<'/api/v1/queues/{queue}/jobs/{id}'>;

export const jobQuery = (queue: string, id: string) =>
  queryOptions({
    queryKey: queryKeys.queues.job(queue, id),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/queues/{queue}/jobs/{id}', { params: { path: { queue, id } }, signal })),
    // A job's record can be megabytes: keep it while the page is open, refetch only when told (live
    // events for its queue, or an action on it).
    staleTime: 30_000,
  });

const actions = {
  retry: { path: '/api/v1/queues/{queue}/jobs/retry', done: 'Retried', refused: 'It is no longer failed.' },
  promote: { path: '/api/v1/queues/{queue}/jobs/promote', done: 'Promoted', refused: 'It is no longer delayed.' },
  remove: { path: '/api/v1/queues/{queue}/jobs/remove', done: 'Removed', refused: 'A worker holds it (active jobs cannot be removed).' },
} as const;
export type JobAction = keyof typeof actions;

export function useJobAction(queue: string, id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (action: JobAction) => {
      const { results } = await unwrap(api.POST(actions[action].path, { params: { path: { queue } }, body: { ids: [id] } }));
      return { action, result: results[0] };
    },
    onSuccess: ({ action, result }) => {
      const words = actions[action];
      if (result?.outcome === 'done') toast({ title: `${words.done} job ${id}`, tone: 'success' });
      else toast({ title: `Job ${id} was not ${words.done.toLowerCase()}`, description: result?.outcome === 'not-found' ? 'It no longer exists.' : words.refused, tone: 'warning' });
    },
    onError: (error) => toast({ title: 'The action failed', description: errorMessage(error), tone: 'error' }),
    onSettled: (outcome) => {
      if (outcome?.action === 'remove' && outcome.result?.outcome === 'done') {
        queryClient.removeQueries({ queryKey: queryKeys.queues.job(queue, id) });
        return queryClient.invalidateQueries({ queryKey: queryKeys.queues.detail(queue), refetchType: 'active' });
      }
      return queryClient.invalidateQueries({ queryKey: queryKeys.queues.detail(queue) });
    },
  });
}
