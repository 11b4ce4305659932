// One page of one state's jobs, with selection and the actions that apply to that state.
import type { UseQueryResult } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { Button } from '../../../components/Button';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { DataTable, type Column } from '../../../components/DataTable';
import { IconForward, IconRetry, IconTrash } from '../../../components/icons';
import { RelativeTime } from '../../../components/RelativeTime';
import { EmptyState, ErrorState, LoadingState } from '../../../components/States';
import { formatCount, formatDuration } from '../../../lib/format';
import { useCan } from '../../../lib/session';
import { PAGE_SIZE, useSelectionAction, type JobPage, type JobSummary } from '../api';
import { STATE_LABELS, type JobState } from '../job-states';

/** Which selection actions make sense for jobs in each state (active jobs are locked by a worker). */
const actionsFor: Record<JobState, Array<'retry' | 'promote' | 'remove'>> = {
  failed: ['retry', 'remove'],
  delayed: ['promote', 'remove'],
  completed: ['remove'],
  waiting: ['remove'],
  prioritized: ['remove'],
  'waiting-children': ['remove'],
  active: [],
};

function duration(job: JobSummary): string {
  return job.processedOn && job.finishedOn ? formatDuration(job.finishedOn - job.processedOn) : '–';
}

/** The first line of the error, which is what the operator scans for. */
function excerpt(reason: string | null): string {
  return reason ? (reason.split('\n', 1)[0] ?? '').slice(0, 200) : '';
}

export function JobsTable({ queue, state, page, result, total }: { queue: string; state: JobState; page: number; result: UseQueryResult<JobPage>; total: number }) {
  const canOperate = useCan('operator');
  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  const act = useSelectionAction(queue);
  const navigate = useNavigate();
  const actions = canOperate ? actionsFor[state] : [];

  if (result.isPending) return <LoadingState rows={8} />;
  if (result.isError) return <ErrorState error={result.error} onRetry={() => void result.refetch()} />;

  const data = result.data;
  // The live count can be newer than the page; the page's own total is what its rows came from.
  const count = data.total;
  const pages = Math.max(1, Math.ceil(count / PAGE_SIZE));
  const ids = [...selected].filter((id) => data.items.some((j) => j.id === id));
  const run = (action: 'retry' | 'promote' | 'remove') => act.mutateAsync({ action, ids }).then(() => setSelected(new Set()));

  const columns: Array<Column<JobSummary>> = [
    {
      id: 'id',
      header: 'ID',
      cell: (j) => (
        <Link to="/queues/$queue/jobs/$id" params={{ queue, id: j.id }} className="mono">
          {j.id}
        </Link>
      ),
    },
    { id: 'name', header: 'Name', cell: (j) => j.name },
    { id: 'added', header: 'Added', cell: (j) => <RelativeTime at={j.timestamp} /> },
    { id: 'started', header: 'Started', cell: (j) => <RelativeTime at={j.processedOn} /> },
    { id: 'finished', header: 'Finished', cell: (j) => <RelativeTime at={j.finishedOn} /> },
    { id: 'attempts', header: 'Attempts', align: 'right', cell: (j) => formatCount(j.attemptsMade), cellClass: (j) => (j.attemptsMade === 0 ? 'zero' : undefined) },
    { id: 'duration', header: 'Duration', align: 'right', cell: duration },
    ...(state === 'failed' || data.items.some((j) => j.failedReason)
      ? [{ id: 'error', header: 'Error', cell: (j: JobSummary) => <div className="cell-excerpt" title={j.failedReason ?? undefined}>{excerpt(j.failedReason)}</div> }]
      : []),
  ];

  return (
    <>
      {actions.length > 0 ? (
        <div className="table-toolbar" aria-label="Selection">
          <span className="muted num" aria-live="polite">{ids.length > 0 ? `${formatCount(ids.length)} selected` : 'Select jobs to act on them'}</span>
          {actions.includes('retry') ? (
            <Button size="sm" icon={<IconRetry size={14} />} disabled={ids.length === 0} pending={act.isPending && act.variables?.action === 'retry'} onClick={() => void run('retry').catch(() => undefined)}>
              Retry
            </Button>
          ) : null}
          {actions.includes('promote') ? (
            <Button size="sm" icon={<IconForward size={14} />} disabled={ids.length === 0} pending={act.isPending && act.variables?.action === 'promote'} onClick={() => void run('promote').catch(() => undefined)}>
              Run now
            </Button>
          ) : null}
          {actions.includes('remove') ? (
            <ConfirmDialog
              trigger={
                <Button size="sm" icon={<IconTrash size={14} />} disabled={ids.length === 0}>
                  Remove
                </Button>
              }
              title={`Remove ${formatCount(ids.length)} ${ids.length === 1 ? 'job' : 'jobs'}?`}
              count={ids.length}
              noun={`${state} ${ids.length === 1 ? 'job' : 'jobs'} in ${queue}`}
              description="Removed jobs are deleted from Redis with their data, logs and results. This cannot be undone."
              confirmLabel="Remove"
              onConfirm={() => run('remove')}
            />
          ) : null}
        </div>
      ) : null}
      <DataTable
        label={`${state} jobs in ${queue}`}
        columns={columns}
        rows={data.items}
        rowKey={(j) => j.id}
        rowLabel={(j) => `job ${j.id}`}
        selection={actions.length > 0 ? { selected, onChange: setSelected } : undefined}
        empty={<NoJobs state={state} />}
        testId="jobs-table"
      />
      <div className="table-footer">
        <span className="num">
          {count === 0 ? 'None' : `${formatCount((page - 1) * PAGE_SIZE + 1)}–${formatCount(Math.min(page * PAGE_SIZE, count))} of ${formatCount(count)}`}
          {total !== count ? <span className="faint"> · now {formatCount(total)}</span> : null}
        </span>
        <div className="topbar-spacer" />
        <Button size="sm" disabled={page <= 1} onClick={() => void navigate({ to: '/queues/$queue', params: { queue }, search: { state, page: page - 1 > 1 ? page - 1 : undefined } })}>
          Previous
        </Button>
        <span className="num">
          Page {formatCount(page)} of {formatCount(pages)}
        </span>
        <Button size="sm" disabled={page >= pages} onClick={() => void navigate({ to: '/queues/$queue', params: { queue }, search: { state, page: page + 1 } })}>
          Next
        </Button>
      </div>
    </>
  );
}

function NoJobs({ state }: { state: JobState }) {
  return <EmptyState title={`No ${STATE_LABELS[state].toLowerCase()} jobs`}>Jobs appear here as they reach this state.</EmptyState>;
}
