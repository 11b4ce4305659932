// Alerts: the history of messages with each channel's delivery status, the rules (state, silence,
// edit) and the channels (test-send, edit). Tab, filters and page live in the URL.
import { useQuery, useSuspenseQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useState } from 'react';
import { Button } from '../../../components/Button';
import { Can } from '../../../components/Can';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { DataTable, type Column } from '../../../components/DataTable';
import { IconPause, IconPlay, IconTrash, IconZap } from '../../../components/icons';
import { RelativeTime } from '../../../components/RelativeTime';
import { EmptyState } from '../../../components/States';
import { formatCountOf } from '../../../lib/format';
import { useCan } from '../../../lib/session';
import { api, unwrap } from '../../../lib/api-client';
import { queryKeys } from '../../../lib/query-keys';
import {
  channelsQuery,
  historyQuery,
  rulesQuery,
  useDeleteChannel,
  useDeleteRule,
  useSilenceRule,
  useTestChannel,
  type AlertChannel,
  type AlertHistoryItem,
  type AlertRule,
} from '../api';
import { AlertLink } from './alert-link';
import { ChannelForm } from './ChannelForm';
import { RULE_KIND_INFO, RuleForm } from './RuleForm';
import '../alerts.css';

const route = getRouteApi('/_shell/alerts');

const KIND_STATE = { firing: 'failed', 'follow-up': 'delayed', resolved: 'completed' } as const;
const DELIVERY_STATE = { sent: 'completed', failed: 'failed', retrying: 'delayed', pending: 'waiting' } as const;
const DELIVERY_MARK = { sent: '✓', failed: '✕', retrying: '↻', pending: '…' } as const;

function Badge({ state, children }: { state: string; children: string }) {
  return (
    <span className="badge" data-state={state}>
      {children}
    </span>
  );
}

function History() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const filter = { ruleId: search.rule, kind: search.kind, status: search.status, page: search.page };
  const { data } = useQuery(historyQuery(filter));
  const rules = useSuspenseQuery(rulesQuery).data.rules;
  const set = (next: Partial<typeof search>) => void navigate({ search: (prev) => ({ ...prev, ...next, page: next.page }), replace: true });
  const columns: Array<Column<AlertHistoryItem>> = [
    { id: 'when', header: 'When', cell: (n) => <RelativeTime at={Date.parse(n.createdAt)} />, width: '7rem' },
    { id: 'kind', header: 'Message', cell: (n) => <Badge state={KIND_STATE[n.kind]}>{n.kind}</Badge>, width: '7rem' },
    {
      id: 'what',
      header: 'What',
      cell: (n) => (
        <div className="alert-what">
          <AlertLink link={n.link}>{n.title}</AlertLink>
          <span className="faint">{n.summary}</span>
        </div>
      ),
    },
    { id: 'rule', header: 'Rule', cell: (n) => n.ruleName },
    {
      id: 'deliveries',
      header: 'Delivery',
      cell: (n) =>
        n.deliveries.length === 0 ? (
          <span className="faint">no channel</span>
        ) : (
          <ul className="alert-deliveries" aria-label={`Deliveries of message ${n.id}`}>
            {n.deliveries.map((d) => (
              <li key={d.channelId} title={d.lastError ?? `${d.attempts} attempt(s)`}>
                <span className="badge" data-state={DELIVERY_STATE[d.status]}>
                  {DELIVERY_MARK[d.status]} {d.channelName}: {d.status}
                </span>
              </li>
            ))}
          </ul>
        ),
    },
  ];
  return (
    <div className="table-wrap">
      <div className="table-toolbar" role="group" aria-label="Filter history">
        <label className="visually-hidden" htmlFor="history-rule">
          Rule
        </label>
        <select id="history-rule" className="input input-sm" value={search.rule ?? ''} onChange={(e) => set({ rule: e.target.value ? Number(e.target.value) : undefined })}>
          <option value="">All rules</option>
          {rules.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </select>
        <label className="visually-hidden" htmlFor="history-kind">
          Message kind
        </label>
        <select id="history-kind" className="input input-sm" value={search.kind ?? ''} onChange={(e) => set({ kind: (e.target.value || undefined) as typeof search.kind })}>
          <option value="">Any message</option>
          <option value="firing">firing</option>
          <option value="follow-up">follow-up</option>
          <option value="resolved">resolved</option>
        </select>
        <label className="visually-hidden" htmlFor="history-status">
          Delivery status
        </label>
        <select id="history-status" className="input input-sm" value={search.status ?? ''} onChange={(e) => set({ status: (e.target.value || undefined) as typeof search.status })}>
          <option value="">Any delivery</option>
          <option value="sent">sent</option>
          <option value="retrying">retrying</option>
          <option value="failed">failed</option>
          <option value="pending">pending</option>
        </select>
        <div className="topbar-spacer" />
        {data ? (
          <span className="faint">
            {data.total} messages · page {data.page}
          </span>
        ) : null}
        <Button size="sm" disabled={(search.page ?? 1) <= 1} onClick={() => set({ page: Math.max(1, (search.page ?? 1) - 1) })}>
          Newer
        </Button>
        <Button size="sm" disabled={!data || data.page * data.pageSize >= data.total} onClick={() => set({ page: (search.page ?? 1) + 1 })}>
          Older
        </Button>
      </div>
      <DataTable
        label="Alert history"
        testId="alert-history"
        columns={columns}
        rows={data?.items ?? []}
        rowKey={(n) => String(n.id)}
        empty={<EmptyState title="No alerts yet">Messages appear here when a rule fires, with how each channel’s delivery went.</EmptyState>}
      />
    </div>
  );
}

/** What the Rules table shows and the headers count: a silenced or disabled rule is not "firing". */
function ruleState(rule: AlertRule, now: number): 'disabled' | 'silenced' | 'firing' | 'ok' {
  if (!rule.enabled) return 'disabled';
  if (isSilenced(rule, now)) return 'silenced';
  return rule.openIncidents > 0 ? 'firing' : 'ok';
}

function isSilenced(rule: AlertRule, now: number): boolean {
  return rule.silencedUntil !== null && Date.parse(rule.silencedUntil) > now;
}

function scopeText(rule: AlertRule): string {
  if (rule.kind === 'heartbeat-lost') return 'every instance';
  return rule.queues.length === 0 ? 'all queues' : rule.queues.join(', ');
}

function thresholdText(rule: AlertRule): string {
  const p = rule.params as Record<string, number | boolean>;
  switch (rule.kind) {
    case 'failure-rate':
      return `> ${p.thresholdPercent}% (min ${p.minVolume ?? 10})`;
    case 'backlog':
      return `> ${p.threshold} waiting`;
    case 'oldest-waiting':
      return `> ${Number(p.thresholdMs) / 1000} s`;
    case 'job-failed':
      return p.finalOnly ? 'final failures' : 'every failure';
    default:
      return '';
  }
}

function Rules({ onEdit }: { onEdit: (rule: AlertRule | 'new') => void }) {
  const { data } = useSuspenseQuery(rulesQuery);
  const channels = useSuspenseQuery(channelsQuery).data.channels;
  const silence = useSilenceRule();
  const remove = useDeleteRule();
  const canOperate = useCan('operator');
  const now = Date.now();
  const columns: Array<Column<AlertRule>> = [
    {
      id: 'name',
      header: 'Rule',
      cell: (r) => (
        <div className="alert-what">
          <span className="cell-name">{r.name}</span>
          <span className="faint">
            {[RULE_KIND_INFO[r.kind].label, thresholdText(r)].filter(Boolean).join(' · ')}
          </span>
        </div>
      ),
    },
    { id: 'scope', header: 'Scope', cell: scopeText },
    {
      id: 'state',
      header: 'State',
      cell: (r) => {
        switch (ruleState(r, now)) {
          case 'disabled':
            return <Badge state="paused">disabled</Badge>;
          case 'silenced':
            return (
              <span>
                <Badge state="paused">silenced</Badge> <span className="faint">until {new Date(r.silencedUntil!).toLocaleTimeString()}</span>
              </span>
            );
          case 'firing':
            return <Badge state="failed">{`firing (${r.openIncidents})`}</Badge>;
          case 'ok':
            return <Badge state="completed">ok</Badge>;
        }
      },
    },
    { id: 'timing', header: 'Window / cooldown', cell: (r) => `${r.windowMs / 1000} s / ${r.cooldownMs / 1000} s` },
    { id: 'channels', header: 'Channels', cell: (r) => r.channelIds.map((id) => channels.find((c) => c.id === id)?.name ?? `#${id}`).join(', ') || '–' },
    ...(canOperate
      ? [
          {
            id: 'actions',
            header: <span className="visually-hidden">Actions</span>,
            align: 'right' as const,
            cell: (r: AlertRule) => {
              const silenced = isSilenced(r, now);
              const busy = silence.isPending && silence.variables.rule.id === r.id;
              return (
                <div className="row" style={{ justifyContent: 'flex-end', flexWrap: 'nowrap' }}>
                  {silenced ? (
                    <Button size="sm" icon={<IconPlay size={13} />} pending={busy} onClick={() => silence.mutate({ rule: r, minutes: null })} aria-label={`Unsilence ${r.name}`}>
                      Unsilence
                    </Button>
                  ) : (
                    <Button size="sm" icon={<IconPause size={13} />} pending={busy} onClick={() => silence.mutate({ rule: r, minutes: 60 })} aria-label={`Silence ${r.name} for 1 hour`}>
                      Silence 1 h
                    </Button>
                  )}
                  <Can role="admin">
                    <Button size="sm" onClick={() => onEdit(r)} aria-label={`Edit ${r.name}`}>
                      Edit
                    </Button>
                    <ConfirmDialog
                      trigger={<Button size="sm" variant="ghost" icon={<IconTrash size={13} />} aria-label={`Delete ${r.name}`} />}
                      title={`Delete rule “${r.name}”?`}
                      description={<p style={{ margin: 0 }}>The rule, its open incidents and its history are deleted.</p>}
                      confirmLabel="Delete rule"
                      onConfirm={() => remove.mutateAsync(r)}
                    />
                  </Can>
                </div>
              );
            },
          },
        ]
      : []),
  ];
  return (
    <div className="table-wrap">
      <div className="table-toolbar">
        <span className="faint">
          {formatCountOf(data.rules.length, 'rule')} · {data.rules.filter((r) => ruleState(r, now) === 'firing').length} firing
        </span>
        <div className="topbar-spacer" />
        <Can role="admin">
          <Button size="sm" variant="primary" onClick={() => onEdit('new')}>
            New rule
          </Button>
        </Can>
      </div>
      <DataTable label="Alert rules" testId="alert-rules" columns={columns} rows={data.rules} rowKey={(r) => String(r.id)} empty={<EmptyState title="No rules">Create a rule to hear about failures.</EmptyState>} />
    </div>
  );
}

function Channels({ onEdit }: { onEdit: (channel: AlertChannel | 'new') => void }) {
  const { data } = useSuspenseQuery(channelsQuery);
  const test = useTestChannel();
  const remove = useDeleteChannel();
  const columns: Array<Column<AlertChannel>> = [
    { id: 'name', header: 'Channel', cell: (c) => <span className="cell-name">{c.name}</span> },
    { id: 'kind', header: 'Kind', cell: (c) => c.kind },
    {
      id: 'target',
      header: 'Sends to',
      cell: (c) =>
        c.kind === 'email' ? (
          String((c.config.to as string[] | undefined)?.join(', ') ?? '')
        ) : c.kind === 'in-app' ? (
          <span className="faint">the bell in the console</span>
        ) : (
          <code>{c.secrets.url ?? c.secrets.webhookUrl}</code>
        ),
    },
    { id: 'enabled', header: 'State', cell: (c) => (c.enabled ? <Badge state="completed">enabled</Badge> : <Badge state="paused">disabled</Badge>) },
    {
      id: 'actions',
      header: <span className="visually-hidden">Actions</span>,
      align: 'right',
      cell: (c) => (
        <Can role="admin">
          <div className="row" style={{ justifyContent: 'flex-end', flexWrap: 'nowrap' }}>
            <Button size="sm" icon={<IconZap size={13} />} pending={test.isPending && test.variables.id === c.id} onClick={() => test.mutate(c)} aria-label={`Send a test message to ${c.name}`}>
              Test
            </Button>
            <Button size="sm" onClick={() => onEdit(c)} aria-label={`Edit ${c.name}`}>
              Edit
            </Button>
            {c.kind !== 'in-app' ? (
              <ConfirmDialog
                trigger={<Button size="sm" variant="ghost" icon={<IconTrash size={13} />} aria-label={`Delete ${c.name}`} />}
                title={`Delete channel “${c.name}”?`}
                description={<p style={{ margin: 0 }}>Rules stop sending to it; their history keeps its name.</p>}
                confirmLabel="Delete channel"
                onConfirm={() => remove.mutateAsync(c)}
              />
            ) : null}
          </div>
        </Can>
      ),
    },
  ];
  return (
    <div className="table-wrap">
      <div className="table-toolbar">
        <span className="faint">{data.channels.length} channels · secrets are never shown again after saving</span>
        <div className="topbar-spacer" />
        <Can role="admin">
          <Button size="sm" variant="primary" onClick={() => onEdit('new')}>
            New channel
          </Button>
        </Can>
      </div>
      <DataTable label="Alert channels" testId="alert-channels" columns={columns} rows={data.channels} rowKey={(c) => String(c.id)} />
    </div>
  );
}

function useQueueNames(): string[] {
  const { data } = useQuery({ queryKey: queryKeys.queues.list(), queryFn: ({ signal }) => unwrap(api.GET('/api/v1/queues', { signal })) });
  return (data as { queues?: Array<{ name: string }> } | undefined)?.queues?.map((q) => q.name) ?? [];
}

export function AlertsPage() {
  const search = route.useSearch();
  const tab = search.tab ?? 'history';
  const [editing, setEditing] = useState<{ rule?: AlertRule | 'new'; channel?: AlertChannel | 'new' } | null>(null);
  const channels = useSuspenseQuery(channelsQuery).data.channels;
  const rules = useSuspenseQuery(rulesQuery).data.rules;
  const queues = useQueueNames();
  const now = Date.now();
  const firing = rules.filter((r) => ruleState(r, now) === 'firing').length;
  const tabs = [
    { id: 'history', label: 'History' },
    { id: 'rules', label: 'Rules', count: rules.length },
    { id: 'channels', label: 'Channels', count: channels.length },
  ] as const;
  return (
    <>
      <div className="page-header">
        <div className="titles">
          <h1>Alerts</h1>
          <p className="subtitle">
            {firing > 0 ? <strong className="alert-firing-count">{firing} firing</strong> : 'Nothing firing'} · {formatCountOf(rules.length, 'rule')} · {formatCountOf(channels.length, 'channel')}
          </p>
        </div>
      </div>
      <nav className="tabs-list" aria-label="Alerts sections">
        {tabs.map((t) => (
          <Link key={t.id} to="/alerts" search={{ tab: t.id }} className="tab" data-state={tab === t.id ? 'active' : 'inactive'} aria-current={tab === t.id ? 'page' : undefined}>
            {t.label} {'count' in t ? <span className="tab-count">{t.count}</span> : null}
          </Link>
        ))}
      </nav>
      {editing?.rule ? (
        <RuleForm rule={editing.rule === 'new' ? undefined : editing.rule} channels={channels} queues={queues} onDone={() => setEditing(null)} />
      ) : editing?.channel ? (
        <ChannelForm channel={editing.channel === 'new' ? undefined : editing.channel} onDone={() => setEditing(null)} />
      ) : null}
      {tab === 'history' ? <History /> : tab === 'rules' ? <Rules onEdit={(rule) => setEditing({ rule })} /> : <Channels onEdit={(channel) => setEditing({ channel })} />}
    </>
  );
}
