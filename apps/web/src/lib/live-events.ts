// The live-update bridge. One EventSource on /api/v1/events: each `queues` event says which queues'
// counts or paused state changed, and the bridge invalidates exactly those queries. When the stream is
// down, queries fall back to polling (see query-client.ts), and the indicator in the top bar says which.
//
// States: connecting → live (stream open) ⇄ polling (stream failed; EventSource retries on its own).
// `redis` is reported separately: the stream may be up while the API says Redis is unavailable.
import { useSyncExternalStore } from 'react';
import type { QueryClient } from '@tanstack/react-query';
import { queryKeys } from './query-keys';

export type LiveMode = 'connecting' | 'live' | 'polling';
export interface LiveStatus {
  mode: LiveMode;
  redisAvailable: boolean;
  lastEventAt: number | null;
}

interface QueueSnapshot {
  name: string;
  counts: Record<string, number>;
  paused: boolean;
}

let status: LiveStatus = { mode: 'connecting', redisAvailable: true, lastEventAt: null };
const listeners = new Set<() => void>();

function update(next: Partial<LiveStatus>): void {
  status = { ...status, ...next };
  for (const listener of listeners) listener();
}

export function liveStatus(): LiveStatus {
  return status;
}

export function useLiveStatus(): LiveStatus {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    liveStatus,
  );
}

/** How often queries refetch while the stream is down. */
export const POLL_INTERVAL_MS = 5_000;

/** Which queues differ between two snapshots (by counts or paused flag). */
export function changedQueues(previous: ReadonlyMap<string, string>, queues: readonly QueueSnapshot[]): string[] {
  return queues.filter((q) => previous.get(q.name) !== JSON.stringify([q.counts, q.paused])).map((q) => q.name);
}

/** Opens the stream and keeps it open; returns a function that closes it. */
export function connectLiveEvents(queryClient: QueryClient, url = '/api/v1/events'): () => void {
  const seen = new Map<string, string>();
  const source = new EventSource(url, { withCredentials: true });

  source.addEventListener('open', () => {
    const wasPolling = status.mode === 'polling';
    update({ mode: 'live' });
    // Whatever happened while the stream was down: catch up once.
    if (wasPolling) void queryClient.invalidateQueries({ queryKey: queryKeys.queues.all });
  });
  source.addEventListener('error', () => {
    if (status.mode !== 'polling') {
      update({ mode: 'polling' });
      // Refetching re-evaluates each query's refetchInterval, which now polls.
      void queryClient.invalidateQueries();
    }
  });
  source.addEventListener('queues', (event) => {
    const { queues } = JSON.parse((event as MessageEvent<string>).data) as { queues: QueueSnapshot[] };
    const changed = changedQueues(seen, queues);
    for (const q of queues) seen.set(q.name, JSON.stringify([q.counts, q.paused]));
    update({ redisAvailable: true, lastEventAt: Date.now(), mode: 'live' });
    if (changed.length === 0) return;
    void queryClient.invalidateQueries({ queryKey: queryKeys.queues.list() });
    for (const name of changed) void queryClient.invalidateQueries({ queryKey: queryKeys.queues.detail(name) });
  });
  // An alert was published to the in-app feed: the bell and the alerts page refetch.
  source.addEventListener('alert', () => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.alerts.all });
  });
  source.addEventListener('unavailable', () => {
    update({ redisAvailable: false, lastEventAt: Date.now() });
    seen.clear();
  });
  return () => source.close();
}
