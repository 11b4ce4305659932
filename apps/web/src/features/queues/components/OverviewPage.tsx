// Every queue at a glance: counts by state, throughput and failures per minute (sparklines), failure
// rate, oldest waiting age, paused and breaker state, workers attached, and the way into Bull Board.
import { useSuspenseQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { Sparkline } from '../../../components/Chart';
import { DataTable, type Column } from '../../../components/DataTable';
import { IconExternal } from '../../../components/icons';
import { StateBadge } from '../../../components/StateBadge';
import { formatCount, formatDuration, formatPercent } from '../../../lib/format';
import { queuesQuery, type QueueOverview } from '../api';

const waitingOf = (q: QueueOverview) => q.counts.waiting + q.counts.prioritized;
/**
 * Full minutes, oldest first: the API sends the minute in progress first, and the figure beside the
 * sparkline is the last full minute, so the line ends where the number is.
 */
const chronological = (values: readonly number[]) => values.slice(1).reverse();

/**
 * A queue name that may wrap after its hyphens when the table is short of room (a table never breaks
 * `bullpen-dead-letter-reconciliation` on its own, and would overflow its card instead).
 */
function BreakableName({ name }: { name: string }) {
  const parts = name.split('-');
  return parts.map((part, i) => (i < parts.length - 1 ? <span key={i}>{part}-<wbr /></span> : <span key={i}>{part}</span>));
}

function Count({ value, state }: { value: number; state: string }) {
  return (
    <span className={`count num${value === 0 ? ' zero' : ''}`} data-state={state}>
      {formatCount(value, true)}
    </span>
  );
}

export function OverviewPage() {
  const { data } = useSuspenseQuery(queuesQuery);
  const queues = data.queues;
  const totals = queues.reduce(
    (t, q) => ({
      waiting: t.waiting + waitingOf(q),
      active: t.active + q.counts.active,
      failed: t.failed + q.counts.failed,
      delayed: t.delayed + q.counts.delayed,
      throughput: t.throughput + q.throughputPerMinute,
      open: t.open + (q.breaker.state !== 'closed' ? 1 : 0),
      paused: t.paused + (q.paused ? 1 : 0),
    }),
    { waiting: 0, active: 0, failed: 0, delayed: 0, throughput: 0, open: 0, paused: 0 },
  );

  const columns: Array<Column<QueueOverview>> = [
    {
      id: 'name',
      header: 'Queue',
      cell: (q) => (
        <div style={{ display: 'flex', alignItems: 'center', gap: '0.5rem', flexWrap: 'wrap' }}>
          <Link to="/queues/$queue" params={{ queue: q.name }} className="cell-name">
            <BreakableName name={q.name} />
          </Link>
          {q.paused ? <StateBadge state="paused" /> : null}
          {q.breaker.state !== 'closed' ? <StateBadge state={q.breaker.state} /> : null}
        </div>
      ),
    },
    { id: 'waiting', header: 'Waiting', align: 'right', cell: (q) => <Count value={waitingOf(q)} state="waiting" /> },
    { id: 'active', header: 'Active', align: 'right', cell: (q) => <Count value={q.counts.active} state="active" /> },
    { id: 'delayed', header: 'Delayed', align: 'right', cell: (q) => <Count value={q.counts.delayed} state="delayed" /> },
    { id: 'failed', header: 'Failed', align: 'right', cell: (q) => <Count value={q.counts.failed} state="failed" /> },
    { id: 'completed', header: 'Completed', align: 'right', cell: (q) => <Count value={q.counts.completed} state="completed" /> },
    {
      id: 'throughput',
      header: 'Done / min',
      align: 'right',
      cell: (q) => (
        <div className="trend">
          <Sparkline width={48} values={chronological(q.completedPerMinute)} colorVar="--state-completed" summary={`${q.name}: jobs completed per minute over the last ${q.completedPerMinute.length - 1} full minutes`} />
          <span className="num">{formatCount(q.throughputPerMinute)}</span>
        </div>
      ),
    },
    {
      id: 'failures',
      header: 'Failed / min',
      align: 'right',
      cell: (q) => (
        <div className="trend">
          <Sparkline width={48} values={chronological(q.failedPerMinute)} colorVar="--state-failed" summary={`${q.name}: jobs failed per minute over the last ${q.failedPerMinute.length - 1} full minutes`} />
          <span className="num">{formatCount(q.failedPerMinute[1] ?? 0)}</span>
        </div>
      ),
    },
    {
      id: 'rate',
      header: 'Failure rate',
      align: 'right',
      cell: (q) => <span className={q.failureRate > 0.1 ? 'count' : undefined} data-state={q.failureRate > 0.1 ? 'failed' : undefined}>{formatPercent(q.failureRate)}</span>,
      cellClass: (q) => (q.failureRate === 0 ? 'zero' : undefined),
    },
    {
      id: 'oldest',
      header: 'Oldest waiting',
      align: 'right',
      cell: (q) => (q.oldestWaitingMs === null ? '–' : formatDuration(q.oldestWaitingMs)),
      cellClass: (q) => (q.oldestWaitingMs === null ? 'zero' : undefined),
    },
    {
      id: 'workers',
      header: 'Workers',
      align: 'right',
      // null when Redis refuses CLIENT LIST (some managed Redis services do).
      cell: (q) => (q.workerCount === null ? '–' : formatCount(q.workerCount)),
      cellClass: (q) => (q.workerCount === 0 ? 'zero' : undefined),
    },
    {
      id: 'board',
      header: <span className="visually-hidden">Bull Board</span>,
      align: 'right',
      cell: (q) => (
        <a href={q.boardUrl} className="btn btn-ghost btn-sm" aria-label={`Open ${q.name} in Bull Board`} title="Open in Bull Board">
          <IconExternal size={14} />
        </a>
      ),
    },
  ];

  return (
    <>
      <div className="page-header">
        <div className="titles">
          <h1>Overview</h1>
          <p className="subtitle">{queues.length} queues · per-minute figures are the last full minute</p>
        </div>
      </div>
      <div className="stat-strip" aria-label="Totals">
        <Stat label="Waiting" value={totals.waiting} state="waiting" />
        <Stat label="Active" value={totals.active} state="active" />
        <Stat label="Delayed" value={totals.delayed} state="delayed" />
        <Stat label="Failed" value={totals.failed} state="failed" />
        <Stat label="Done / min" value={totals.throughput} state="completed" />
        <Stat label="Paused queues" value={totals.paused} state="paused" />
        <Stat label="Open breakers" value={totals.open} state="open" />
      </div>
      <div className="table-wrap">
        <DataTable label="Queues" columns={columns} rows={queues} rowKey={(q) => q.name} testId="queues-table" />
      </div>
    </>
  );
}

function Stat({ label, value, state }: { label: string; value: number; state: string }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className={`stat-value count${value === 0 ? ' zero' : ''}`} data-state={state} data-testid={`total-${label.toLowerCase().replace(/[^a-z]+/g, '-')}`}>
        {formatCount(value, true)}
      </div>
    </div>
  );
}
