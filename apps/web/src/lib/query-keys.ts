// Query-key factories for every resource, hierarchical so one prefix invalidates a whole branch:
// ['queues'] → every queue read; ['queues', 'detail', name] → one queue, its job lists and its jobs.
// They live here rather than in each feature because the live-event bridge invalidates them too.
export const queryKeys = {
  session: ['session'] as const,
  queues: {
    all: ['queues'] as const,
    list: () => ['queues', 'list'] as const,
    detail: (queue: string) => ['queues', 'detail', queue] as const,
    jobs: (queue: string, filters: { state: string; page: number }) =>
      ['queues', 'detail', queue, 'jobs', filters] as const,
    job: (queue: string, id: string) => ['queues', 'detail', queue, 'job', id] as const,
    durations: (queue: string) => ['queues', 'detail', queue, 'durations'] as const,
    preview: (queue: string, action: Record<string, string | number | boolean>) => ['queues', 'detail', queue, 'preview', action] as const,
  },
  workers: {
    all: ['workers'] as const,
  },
  /** Alert rules, channels and history; an `alert` event of the stream invalidates the branch. */
  alerts: {
    all: ['alerts'] as const,
  },
} as const;
