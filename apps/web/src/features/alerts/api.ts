// Alerts: rules, channels and the history of messages sent, with the mutations an operator (silence)
// or an admin (create, edit, delete, test-send) makes. One query-key branch, ['alerts'], which the
// live stream's `alert` events invalidate.
import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { toast } from '../../components/Toaster';
import { api, unwrap } from '../../lib/api-client';
import type { GetResponse } from '../../lib/api-contract';
import { errorMessage } from '../../lib/api-error';
import { queryKeys } from '../../lib/query-keys';

export type AlertRule = GetResponse<'/api/v1/alerts/rules'>['rules'][number];
export type AlertChannel = GetResponse<'/api/v1/alerts/channels'>['channels'][number];
export type AlertHistoryItem = GetResponse<'/api/v1/alerts/history'>['items'][number];
export type RuleKind = AlertRule['kind'];
export type ChannelKind = AlertChannel['kind'];

export interface HistoryFilter {
  ruleId?: number | undefined;
  kind?: 'firing' | 'follow-up' | 'resolved' | undefined;
  status?: 'pending' | 'retrying' | 'sent' | 'failed' | undefined;
  page?: number | undefined;
}

export const alertKeys = {
  all: queryKeys.alerts.all,
  rules: () => [...queryKeys.alerts.all, 'rules'] as const,
  channels: () => [...queryKeys.alerts.all, 'channels'] as const,
  history: (filter: HistoryFilter) => [...queryKeys.alerts.all, 'history', filter] as const,
  feed: () => [...queryKeys.alerts.all, 'feed'] as const,
};

export const rulesQuery = queryOptions({
  queryKey: alertKeys.rules(),
  queryFn: ({ signal }) => unwrap(api.GET('/api/v1/alerts/rules', { signal })),
});

export const channelsQuery = queryOptions({
  queryKey: alertKeys.channels(),
  queryFn: ({ signal }) => unwrap(api.GET('/api/v1/alerts/channels', { signal })),
});

export const historyQuery = (filter: HistoryFilter) =>
  queryOptions({
    queryKey: alertKeys.history(filter),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/alerts/history', { params: { query: { ...filter, pageSize: 25 } }, signal })),
    // Delivery statuses move on without a stream event (retries): refresh on a slow beat.
    refetchInterval: 10_000,
  });

/** The bell's feed: the latest messages. */
export const feedQuery = queryOptions({
  queryKey: alertKeys.feed(),
  queryFn: ({ signal }) => unwrap(api.GET('/api/v1/alerts/history', { params: { query: { pageSize: 15 } }, signal })),
  refetchInterval: 60_000,
});

export interface RuleDraft {
  name: string;
  kind: RuleKind;
  queues: string[];
  params: Record<string, unknown>;
  windowMs: number;
  cooldownMs: number;
  channelIds: number[];
  enabled: boolean;
}

export interface ChannelDraft {
  name: string;
  kind: ChannelKind;
  config: Record<string, unknown>;
  secrets: Record<string, string>;
  enabled: boolean;
}

function useAlertMutation<V, R>(run: (vars: V) => Promise<R>, done: (result: R, vars: V) => string, failed: (vars: V) => string, quiet = false) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: (result, vars) => {
      if (!quiet) toast({ title: done(result, vars), tone: 'success' });
    },
    onError: (error, vars) => {
      if (!quiet) toast({ title: failed(vars), description: errorMessage(error), tone: 'error' });
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: alertKeys.all }),
  });
}

export function useSaveRule() {
  return useAlertMutation(
    async ({ id, draft }: { id?: number | undefined; draft: RuleDraft }) =>
      id
        ? (await unwrap(api.POST('/api/v1/alerts/rules/{id}', { params: { path: { id } }, body: draft as never }))).rule
        : (await unwrap(api.POST('/api/v1/alerts/rules', { body: draft as never }))).rule,
    (rule, { id }) => `${id ? 'Saved' : 'Created'} rule “${rule.name}”`,
    ({ draft }) => `Could not save rule “${draft.name}”`,
    true,
  );
}

export function useDeleteRule() {
  return useAlertMutation(
    async (rule: AlertRule) => unwrap(api.POST('/api/v1/alerts/rules/{id}/delete', { params: { path: { id: rule.id } } })),
    (_r, rule) => `Deleted rule “${rule.name}”`,
    (rule) => `Could not delete rule “${rule.name}”`,
  );
}

export function useSilenceRule() {
  return useAlertMutation(
    async ({ rule, minutes }: { rule: AlertRule; minutes: number | null }) =>
      minutes === null
        ? unwrap(api.POST('/api/v1/alerts/rules/{id}/unsilence', { params: { path: { id: rule.id } } }))
        : unwrap(api.POST('/api/v1/alerts/rules/{id}/silence', { params: { path: { id: rule.id } }, body: { minutes } })),
    (_r, { rule, minutes }) => (minutes === null ? `“${rule.name}” is no longer silenced` : `Silenced “${rule.name}” for ${minutes >= 60 ? `${minutes / 60} h` : `${minutes} min`}`),
    ({ rule }) => `Could not change the silence of “${rule.name}”`,
  );
}

export function useSaveChannel() {
  return useAlertMutation(
    async ({ id, draft }: { id?: number | undefined; draft: ChannelDraft }) =>
      id
        ? (await unwrap(api.POST('/api/v1/alerts/channels/{id}', { params: { path: { id } }, body: { name: draft.name, enabled: draft.enabled, config: draft.config, secrets: draft.secrets } }))).channel
        : (await unwrap(api.POST('/api/v1/alerts/channels', { body: draft as never }))).channel,
    (channel, { id }) => `${id ? 'Saved' : 'Created'} channel “${channel.name}”`,
    ({ draft }) => `Could not save channel “${draft.name}”`,
    true,
  );
}

export function useDeleteChannel() {
  return useAlertMutation(
    async (channel: AlertChannel) => unwrap(api.POST('/api/v1/alerts/channels/{id}/delete', { params: { path: { id: channel.id } } })),
    (_r, channel) => `Deleted channel “${channel.name}”`,
    (channel) => `Could not delete channel “${channel.name}”`,
  );
}

export function useTestChannel() {
  return useMutation({
    mutationFn: async (channel: AlertChannel) => unwrap(api.POST('/api/v1/alerts/channels/{id}/test', { params: { path: { id: channel.id } } })),
    onSuccess: (result, channel) =>
      toast(
        result.sent
          ? { title: `Test message sent to “${channel.name}”`, tone: 'success' }
          : { title: `The test message to “${channel.name}” failed`, description: result.error ?? undefined, tone: 'error' },
      ),
    onError: (error, channel) => toast({ title: `Could not test “${channel.name}”`, description: errorMessage(error), tone: 'error' }),
  });
}

export function usePreviewRule() {
  return useMutation({
    mutationFn: async (draft: RuleDraft) => unwrap(api.POST('/api/v1/alerts/rules/preview', { body: draft as never })),
  });
}
