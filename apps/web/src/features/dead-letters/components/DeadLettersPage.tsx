// Dead letters: jobs that ran out of attempts. Read the groups first (which errors, where, since when),
// narrow by queue, text or time, then replay (a new job on the original queue) or discard (keeps the
// record) a selection or everything matching — the confirmation says how many. Every filter, the
// chosen group, the status tab and the page live in the URL.
import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useCallback, useState } from 'react';
import { Button } from '../../../components/Button';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { DataTable, type Column } from '../../../components/DataTable';
import { IconRetry, IconTrash } from '../../../components/icons';
import { RelativeTime } from '../../../components/RelativeTime';
import { EmptyState, ErrorState, LoadingState } from '../../../components/States';
import { formatCount } from '../../../lib/format';
import { useCan } from '../../../lib/session';
import {
  apiFilter,
  deadLettersQuery,
  exportUrl,
  groupsQuery,
  PAGE_SIZE,
  useBulkAction,
  type BulkAction,
  type DeadLetter,
  type DeadLetterFilter,
  type DeadLetterStatus,
} from '../api';
import '../dead-letters.css';
import { DeadLetterDetail, statusBadge } from './DeadLetterDetail';
import { FilterBar } from './FilterBar';
import { GroupsTable } from './GroupsTable';

const route = getRouteApi('/_shell/dead-letters');

const STATUS_TABS: Array<{ status: DeadLetterStatus; label: string }> = [
  { status: 'dead', label: 'Dead' },
  { status: 'replayed', label: 'Replayed' },
  { status: 'retried', label: 'Retried' },
  { status: 'discarded', label: 'Discarded' },
];

const noun = (n: number) => (n === 1 ? 'dead letter' : 'dead letters');

function BulkButton({ action, count, description, label, onConfirm }: { action: BulkAction; count: number; description: string; label: string; onConfirm: () => Promise<unknown> }) {
  return (
    <ConfirmDialog
      trigger={
        <Button size="sm" variant={action === 'replay' ? 'primary' : 'default'} icon={action === 'replay' ? <IconRetry size={13} /> : <IconTrash size={13} />} disabled={count === 0}>
          {label}
        </Button>
      }
      title={`${action === 'replay' ? 'Replay' : 'Discard'} ${formatCount(count)} ${noun(count)}?`}
      count={count}
      noun={noun(count)}
      description={<p style={{ margin: 0 }}>{description}</p>}
      confirmLabel={action === 'replay' ? `Replay ${formatCount(count)}` : `Discard ${formatCount(count)}`}
      tone={action === 'replay' ? 'primary' : 'danger'}
      onConfirm={onConfirm}
    />
  );
}

export function DeadLettersPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const filter: DeadLetterFilter = { status: search.status, queue: search.queue, q: search.q, group: search.group, from: search.from, to: search.to };
  const page = search.page ?? 1;
  const status = search.status ?? 'dead';

  const list = useQuery(deadLettersQuery(filter, page));
  const groups = useQuery(groupsQuery(filter));
  // Queues that have dead letters at all, for the queue filter (independent of the other filters).
  const allGroups = useQuery(groupsQuery({ status }));
  const queues = [...new Set((allGroups.data?.groups ?? []).map((g) => g.queue))].sort();

  const bulk = useBulkAction();
  const canOperate = useCan('operator');
  const [viewing, setViewing] = useState<DeadLetter | undefined>();
  const selectionKey = JSON.stringify([apiFilter(filter), page]);
  const [selection, setSelection] = useState<{ key: string; ids: Set<string> }>({ key: selectionKey, ids: new Set() });
  const selected = selection.key === selectionKey ? selection.ids : new Set<string>();

  const setFilter = useCallback(
    (next: Partial<DeadLetterFilter>) => void navigate({ search: (prev) => ({ ...prev, ...next, page: undefined }), replace: true }),
    [navigate],
  );

  const total = list.data?.total ?? 0;
  const firstRow = total === 0 ? 0 : (page - 1) * PAGE_SIZE + 1;
  const lastRow = Math.min(page * PAGE_SIZE, total);
  const lastPage = Math.max(1, Math.ceil(total / PAGE_SIZE));

  const columns: Array<Column<DeadLetter>> = [
    { id: 'failed', header: 'Failed', cell: (l) => <RelativeTime at={Date.parse(l.failedAt)} />, width: '8rem' },
    {
      id: 'queue',
      header: 'Queue',
      cell: (l) => (
        <Link to="/queues/$queue" params={{ queue: l.queue }} className="mono">
          {l.queue}
        </Link>
      ),
    },
    {
      id: 'job',
      header: 'Job',
      cell: (l) => (
        <span className="mono">
          {/* A job's name is usually its queue's: say it only when it adds something. */}
          {l.jobName !== l.queue ? `${l.jobName} ` : null}
          <span className="faint">#{l.jobId}</span>
        </span>
      ),
    },
    {
      id: 'error',
      header: 'Error',
      cell: (l) => (
        <div className="cell-excerpt" title={`${l.error.name}: ${l.error.message}`}>
          {l.error.name}: {l.error.message}
        </div>
      ),
    },
    { id: 'attempts', header: 'Attempts', align: 'right', cell: (l) => <span className="num">{l.attemptsMade}</span> },
    ...(status === 'dead' ? [] : [{ id: 'status', header: 'Status', cell: (l: DeadLetter) => statusBadge(l) }]),
    {
      id: 'view',
      header: <span className="visually-hidden">Details</span>,
      align: 'right',
      cell: (l) => (
        <Button size="sm" variant="ghost" onClick={() => setViewing(l)} aria-label={`Details of dead letter ${l.id}`}>
          Details
        </Button>
      ),
    },
  ];

  const selectedIds = [...selected].map(Number);
  const countedAt = new Date(list.dataUpdatedAt || Date.now()).toISOString();
  const narrowed = Boolean(filter.queue || filter.q || filter.group || filter.from || filter.to);

  return (
    <>
      <div className="page-header">
        <div className="titles">
          <h1>Dead letters</h1>
          <p className="subtitle">Jobs that ran out of attempts. Replay adds a fresh job to the original queue; discard keeps the record and drops it from this list.</p>
        </div>
        <div className="actions">
          <a className="btn" href={exportUrl(filter)} download>
            Export JSON
          </a>
        </div>
      </div>

      <nav className="tabs-list" aria-label="Dead letter status">
        {STATUS_TABS.map((tab) => (
          <Link
            key={tab.status}
            to="/dead-letters"
            search={{ ...search, status: tab.status === 'dead' ? undefined : tab.status, page: undefined }}
            className="tab"
            data-state={tab.status === status ? 'active' : undefined}
            aria-current={tab.status === status ? 'page' : undefined}
          >
            {tab.label}
          </Link>
        ))}
      </nav>

      <FilterBar filter={filter} queues={queues} onChange={setFilter} />

      <section className="dl-section" aria-labelledby="dl-groups-heading">
        <div className="row" style={{ justifyContent: 'space-between' }}>
          <h2 id="dl-groups-heading">By error</h2>
          {filter.group ? (
            <Link to="/dead-letters" search={{ ...search, group: undefined, page: undefined }} className="btn btn-sm btn-ghost">
              Show every group
            </Link>
          ) : null}
        </div>
        <div className="table-wrap">
          {groups.isPending ? (
            <LoadingState rows={3} />
          ) : groups.isError ? (
            <ErrorState error={groups.error} onRetry={() => void groups.refetch()} />
          ) : groups.data.groups.length === 0 ? (
            <EmptyState title={narrowed ? 'Nothing matches these filters' : status === 'dead' ? 'No dead letters' : `Nothing ${status}`}>
              {narrowed ? 'Widen the time range or clear the filters.' : status === 'dead' ? 'Every job either completed or is still being retried.' : null}
            </EmptyState>
          ) : (
            <GroupsTable groups={groups.data.groups} selected={filter.group} />
          )}
        </div>
      </section>

      <section className="dl-section" aria-labelledby="dl-list-heading">
        <div className="table-wrap">
          <div className="table-toolbar">
            <h2 id="dl-list-heading" className="dl-list-title">
              {filter.group ? 'Letters in this group' : 'Letters'}{' '}
              <span className="faint num" data-testid="dead-letter-total">
                {list.data ? formatCount(total) : ''}
              </span>
            </h2>
            {canOperate && status === 'dead' ? (
              <div className="row" style={{ marginLeft: 'auto' }}>
                {selected.size > 0 ? (
                  <>
                    <span className="faint">{formatCount(selected.size)} selected</span>
                    <BulkButton
                      action="replay"
                      count={selected.size}
                      label="Replay selected"
                      description="Each becomes a new job with the same data on its original queue."
                      onConfirm={() => bulk.mutateAsync({ action: 'replay', target: { ids: selectedIds } }).then(() => setSelection({ key: selectionKey, ids: new Set() }))}
                    />
                    <BulkButton
                      action="discard"
                      count={selected.size}
                      label="Discard selected"
                      description="They leave this list (the Discarded tab keeps them). Nothing is run."
                      onConfirm={() => bulk.mutateAsync({ action: 'discard', target: { ids: selectedIds } }).then(() => setSelection({ key: selectionKey, ids: new Set() }))}
                    />
                  </>
                ) : (
                  <>
                    <BulkButton
                      action="replay"
                      count={total}
                      label={narrowed ? 'Replay all matching' : 'Replay all'}
                      description={`Every dead letter ${narrowed ? 'matching these filters ' : ''}that failed up to now becomes a new job on its original queue. Letters that fail after you confirm are left for you to look at.`}
                      onConfirm={() => bulk.mutateAsync({ action: 'replay', target: { filter, expected: total, countedAt } })}
                    />
                    <BulkButton
                      action="discard"
                      count={total}
                      label={narrowed ? 'Discard all matching' : 'Discard all'}
                      description={`Every dead letter ${narrowed ? 'matching these filters ' : ''}that failed up to now leaves this list (the Discarded tab keeps them). Nothing is run.`}
                      onConfirm={() => bulk.mutateAsync({ action: 'discard', target: { filter, expected: total, countedAt } })}
                    />
                  </>
                )}
              </div>
            ) : null}
          </div>
          {list.isPending ? (
            <LoadingState />
          ) : list.isError ? (
            <ErrorState error={list.error} onRetry={() => void list.refetch()} />
          ) : (
            <DataTable
              label="Dead letters"
              columns={columns}
              rows={list.data.items}
              rowKey={(l) => String(l.id)}
              rowLabel={(l) => `dead letter ${l.id} (${l.queue} job ${l.jobId})`}
              selection={canOperate && status === 'dead' ? { selected, onChange: (ids) => setSelection({ key: selectionKey, ids }) } : undefined}
              testId="dead-letters-table"
              empty={<EmptyState title="No letters here">{narrowed ? 'Nothing matches these filters.' : null}</EmptyState>}
            />
          )}
          <div className="table-footer">
            <span className="num">
              {total === 0 ? 'None' : `${formatCount(firstRow)}–${formatCount(lastRow)} of ${formatCount(total)}`}
            </span>
            <span style={{ flex: 1 }} />
            <Link
              to="/dead-letters"
              search={{ ...search, page: page > 2 ? page - 1 : undefined }}
              className="btn btn-sm"
              disabled={page <= 1}
              aria-disabled={page <= 1}
            >
              Previous
            </Link>
            <span className="num">
              Page {formatCount(page)} of {formatCount(lastPage)}
            </span>
            <Link to="/dead-letters" search={{ ...search, page: page + 1 }} className="btn btn-sm" disabled={page >= lastPage} aria-disabled={page >= lastPage}>
              Next
            </Link>
          </div>
        </div>
      </section>

      <DeadLetterDetail
        letter={viewing}
        onClose={() => setViewing(undefined)}
        actions={
          canOperate && viewing?.status === 'dead' ? (
            <>
              <BulkButton
                action="replay"
                count={1}
                label="Replay"
                description="It becomes a new job with the same data on its original queue."
                onConfirm={() => bulk.mutateAsync({ action: 'replay', target: { ids: [viewing.id] } }).then(() => setViewing(undefined))}
              />
              <BulkButton
                action="discard"
                count={1}
                label="Discard"
                description="It leaves this list (the Discarded tab keeps it). Nothing is run."
                onConfirm={() => bulk.mutateAsync({ action: 'discard', target: { ids: [viewing.id] } }).then(() => setViewing(undefined))}
              />
            </>
          ) : undefined
        }
      />
    </>
  );
}
