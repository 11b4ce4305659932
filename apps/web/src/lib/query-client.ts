import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './api-error';
import { liveStatus, POLL_INTERVAL_MS } from './live-events';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Live events invalidate what changed; this only spares refetches on every mount.
        staleTime: 10_000,
        // A refusal (4xx) will not change by asking again; a network blip or 503 might.
        retry: (count, error) => count < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
        // Poll only while the event stream is down.
        refetchInterval: () => (liveStatus().mode === 'polling' ? POLL_INTERVAL_MS : false),
      },
    },
  });
}
