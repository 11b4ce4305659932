// Who did what, when, to what, and how it ended. Filter by user, action, target, outcome and time; every filter
// and the page live in the URL, so a link to "everything alice did last night" can be shared.
import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { Button } from '../../../components/Button';
import { DataTable, type Column } from '../../../components/DataTable';
import { IconX } from '../../../components/icons';
import { RelativeTime } from '../../../components/RelativeTime';
import { EmptyState, ErrorState, LoadingState } from '../../../components/States';
import { StateBadge } from '../../../components/StateBadge';
import { fromLocalInput, toLocalInput } from '../../../lib/datetime-local';
import { formatCount, formatDuration } from '../../../lib/format';
import { auditQuery, PAGE_SIZE, type AuditFilter, type AuditOutcome } from '../api';
import { mergeAttempts, type AuditRow } from '../audit-rows';
import '../audit.css';

const route = getRouteApi('/_shell/audit');
const TYPING_PAUSE_MS = 300;

/** Actions the API audits, offered as suggestions; the field takes any action name. */
const KNOWN_ACTIONS = [
  'queue.pause', 'queue.resume', 'queue.drain', 'queue.clean', 'queue.retry-failed', 'queue.breaker-reset',
  'jobs.retry', 'jobs.remove', 'jobs.promote', 'schedule.trigger', 'schedule.pause', 'schedule.resume',
  'dead-letters.replay', 'dead-letters.discard', 'user.create', 'user.set-role', 'user.reset-password', 'user.disable', 'user.enable',
];

const OUTCOMES: Record<AuditOutcome, { state: string; label: string }> = {
  succeeded: { state: 'completed', label: 'Succeeded' },
  rejected: { state: 'delayed', label: 'Rejected' },
  failed: { state: 'failed', label: 'Failed' },
  started: { state: 'waiting', label: 'No outcome yet' },
};

/** A one-line reading of the outcome's detail: status code, error code, counts. */
function summarise(detail: unknown): string {
  if (detail === null || detail === undefined) return '';
  if (typeof detail !== 'object') return String(detail);
  return Object.entries(detail as Record<string, unknown>)
    .filter(([, v]) => v !== null && typeof v !== 'object')
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(' · ');
}

function TextFilter({ id, label, value, onChange, list, placeholder }: { id: string; label: string; value: string | undefined; onChange: (v: string | undefined) => void; list?: string; placeholder?: string }) {
  const [text, setText] = useState(value ?? '');
  useEffect(() => setText(value ?? ''), [value]);
  useEffect(() => {
    const next = text.trim() || undefined;
    if (next === value) return;
    const timer = window.setTimeout(() => onChange(next), TYPING_PAUSE_MS);
    return () => window.clearTimeout(timer);
  }, [text, value, onChange]);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} className="input input-sm" value={text} list={list} placeholder={placeholder} onChange={(e) => setText(e.target.value)} autoComplete="off" />
    </div>
  );
}

export function AuditPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const filter: AuditFilter = { actor: search.actor, action: search.action, target: search.target, outcome: search.outcome, from: search.from, to: search.to };
  const page = search.page ?? 1;
  const query = useQuery(auditQuery(filter, page));
  const setFilter = (next: Partial<AuditFilter>) => void navigate({ search: (prev) => ({ ...prev, ...next, page: undefined }), replace: true });

  const total = query.data?.total ?? 0;
  const lastPage = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const rows = query.data ? mergeAttempts(query.data.items) : [];
  const filtered = Boolean(filter.actor || filter.action || filter.target || filter.outcome || filter.from || filter.to);

  const columns: Array<Column<AuditRow>> = [
    { id: 'at', header: 'When', cell: ({ entry }) => <RelativeTime at={Date.parse(entry.at)} />, width: '8rem' },
    {
      id: 'actor',
      header: 'User',
      cell: ({ entry }) => (
        <span className="row" style={{ flexWrap: 'nowrap', gap: '0.35rem' }}>
          <Link to="/audit" search={{ ...search, actor: entry.actor, page: undefined }} className="cell-name" title={`Only ${entry.actor}'s actions`}>
            {entry.actor}
          </Link>
          <span className="audit-role">{entry.role}</span>
        </span>
      ),
    },
    {
      id: 'action',
      header: 'Action',
      cell: ({ entry }) => (
        <Link to="/audit" search={{ ...search, action: entry.action, page: undefined }} className="mono audit-action" title={`Only ${entry.action}`}>
          {entry.action}
        </Link>
      ),
    },
    {
      id: 'target',
      header: 'Target',
      cell: ({ entry }) => (
        <Link to="/audit" search={{ ...search, target: entry.target, page: undefined }} className="mono audit-target" title={`Only actions on ${entry.target}`}>
          {entry.target}
        </Link>
      ),
    },
    {
      id: 'outcome',
      header: 'Outcome',
      cell: ({ entry, startedAt }) => (
        <span className="row" style={{ flexWrap: 'nowrap', gap: '0.35rem' }}>
          <StateBadge state={OUTCOMES[entry.outcome].state} label={OUTCOMES[entry.outcome].label} />
          {startedAt !== undefined ? <span className="faint num">{formatDuration(Date.parse(entry.at) - startedAt)}</span> : null}
        </span>
      ),
    },
    {
      id: 'detail',
      header: 'Details',
      cell: ({ entry }) => (
        <details className="audit-details">
          <summary>{summarise(entry.detail) || 'parameters'}</summary>
          <pre>{JSON.stringify({ params: entry.params, detail: entry.detail }, null, 2)}</pre>
        </details>
      ),
    },
    {
      id: 'from',
      header: 'From',
      cell: ({ entry }) => (
        <span className="faint mono audit-origin" title={`instance ${entry.instanceId}`}>
          {entry.ip ?? '–'}
        </span>
      ),
    },
  ];

  return (
    <>
      <div className="page-header">
        <div className="titles">
          <h1>Audit log</h1>
          <p className="subtitle">Every action taken through the console or the API, recorded before it runs and again with its outcome.</p>
        </div>
      </div>

      <form className="audit-filters" role="search" aria-label="Filter the audit log" onSubmit={(e) => e.preventDefault()}>
        <TextFilter id="audit-actor" label="User" value={filter.actor} onChange={(actor) => setFilter({ actor })} />
        <TextFilter id="audit-action" label="Action" value={filter.action} onChange={(action) => setFilter({ action })} list="audit-actions" />
        <TextFilter id="audit-target" label="Target" value={filter.target} onChange={(target) => setFilter({ target })} placeholder="e.g. queue:payments" />
        <datalist id="audit-actions">
          {KNOWN_ACTIONS.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        <div className="field">
          <label htmlFor="audit-outcome">Outcome</label>
          <select id="audit-outcome" className="input input-sm" value={filter.outcome ?? ''} onChange={(e) => setFilter({ outcome: (e.target.value || undefined) as AuditOutcome | undefined })}>
            <option value="">Any outcome</option>
            <option value="succeeded">Succeeded</option>
            <option value="rejected">Rejected</option>
            <option value="failed">Failed</option>
            <option value="started">Started</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-from">After</label>
          <input id="audit-from" className="input input-sm" type="datetime-local" value={toLocalInput(filter.from)} onChange={(e) => setFilter({ from: fromLocalInput(e.target.value) })} />
        </div>
        <div className="field">
          <label htmlFor="audit-to">Before</label>
          <input id="audit-to" className="input input-sm" type="datetime-local" value={toLocalInput(filter.to)} onChange={(e) => setFilter({ to: fromLocalInput(e.target.value) })} />
        </div>
        {filtered ? (
          <Button size="sm" variant="ghost" icon={<IconX size={13} />} onClick={() => setFilter({ actor: undefined, action: undefined, target: undefined, outcome: undefined, from: undefined, to: undefined })}>
            Clear filters
          </Button>
        ) : null}
      </form>

      <div className="table-wrap">
        {query.isPending ? (
          <LoadingState />
        ) : query.isError ? (
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        ) : (
          <DataTable
            label="Audit log"
            columns={columns}
            rows={rows}
            rowKey={({ entry }) => String(entry.id)}
            testId="audit-table"
            empty={<EmptyState title={filtered ? 'Nothing matches these filters' : 'No actions recorded yet'}>{filtered ? 'Widen the time range or clear the filters.' : 'Actions appear here as soon as anyone takes one.'}</EmptyState>}
          />
        )}
        <div className="table-footer">
          {/* The API counts log records (two per finished action); the table shows one row per action. */}
          <span className="num">
            {formatCount(rows.length)} {rows.length === 1 ? 'action' : 'actions'} on this page · {formatCount(total)} log {total === 1 ? 'record' : 'records'} in all
          </span>
          <span style={{ flex: 1 }} />
          <Link to="/audit" search={{ ...search, page: page > 2 ? page - 1 : undefined }} className="btn btn-sm" disabled={page <= 1} aria-disabled={page <= 1}>
            Newer
          </Link>
          <span className="num">
            Page {formatCount(page)} of {formatCount(lastPage)}
          </span>
          <Link to="/audit" search={{ ...search, page: page + 1 }} className="btn btn-sm" disabled={page >= lastPage} aria-disabled={page >= lastPage}>
            Older
          </Link>
        </div>
      </div>
    </>
  );
}
