// Schedules: every job scheduler with its cadence and runs, and the three things an operator does to
// one (run it now, pause it, resume it). One query-key branch; every action refreshes it and the queue.
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { toast } from '../../components/Toaster';
import { api, unwrap } from '../../lib/api-client';
import type { GetResponse } from '../../lib/api-contract';
import { errorMessage } from '../../lib/api-error';
import { queryKeys } from '../../lib/query-keys';

export type Schedule = GetResponse<'/api/v1/schedules'>['schedules'][number];

export const scheduleKeys = {
  all: ['schedules'] as const,
  list: () => ['schedules', 'list'] as const,
};

export const schedulesQuery = queryOptions({
  queryKey: scheduleKeys.list(),
  queryFn: ({ signal }) => unwrap(api.GET('/api/v1/schedules', { signal })),
  // Next and last runs move with the clock, not with queue events: refresh on a slow beat.
  refetchInterval: 30_000,
});

export type ScheduleAction = 'trigger' | 'pause' | 'resume';

export function useScheduleAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, action }: { id: string; action: ScheduleAction }) => {
      const options = { params: { path: { id } } };
      if (action === 'trigger') return { action, id, jobId: (await unwrap(api.POST('/api/v1/schedules/{id}/trigger', options))).jobId };
      if (action === 'pause') await unwrap(api.POST('/api/v1/schedules/{id}/pause', options));
      else await unwrap(api.POST('/api/v1/schedules/{id}/resume', options));
      return { action, id, jobId: undefined };
    },
    onSuccess: ({ action, id, jobId }) =>
      toast(
        action === 'trigger'
          ? { title: `Started ${id} now`, description: `Job ${jobId ?? ''} was added to its queue; the schedule keeps its cadence.`, tone: 'success' }
          : action === 'pause'
            ? { title: `Paused the schedule of ${id}`, description: 'No new runs until it is resumed. Jobs already queued still run.', tone: 'success' }
            : { title: `Resumed the schedule of ${id}`, description: 'It runs on its cadence again.', tone: 'success' },
      ),
    onError: (error, { id, action }) => toast({ title: `Could not ${action === 'trigger' ? 'run' : action} ${id}`, description: errorMessage(error), tone: 'error' }),
    onSettled: (_result, _error, { id }) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: scheduleKeys.all }),
        queryClient.invalidateQueries({ queryKey: queryKeys.queues.detail(id) }),
      ]),
  });
}
