// Instances (heartbeats) and worker connections. Both change with the clock rather than with queue
// events, so they refresh on a short beat of their own.
import { queryOptions } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api-client';
import type { GetResponse } from '../../lib/api-contract';
import { queryKeys } from '../../lib/query-keys';

export type Instance = GetResponse<'/api/v1/instances'>['instances'][number];
export type WorkerConnection = GetResponse<'/api/v1/workers'>['workers'][number];

export const instanceKeys = {
  all: ['instances'] as const,
};

/** Heartbeats come every 10 s; refreshing as often keeps "last seen" honest. */
const REFRESH_MS = 10_000;

export const instancesQuery = queryOptions({
  queryKey: instanceKeys.all,
  queryFn: ({ signal }) => unwrap(api.GET('/api/v1/instances', { signal })),
  refetchInterval: REFRESH_MS,
});

/** Every worker connection (the queue filter is applied on the page, so one cached answer serves all). */
export const allWorkersQuery = queryOptions({
  queryKey: queryKeys.workers.all,
  queryFn: ({ signal }) => unwrap(api.GET('/api/v1/workers', { signal })),
  refetchInterval: REFRESH_MS,
});
