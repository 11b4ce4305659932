// Every job scheduler: its cadence in words and as written, time zone, next and last run; operators
// run one now (confirmed: it runs outside its cadence), pause it or resume it. Filters live in the URL.
import { useSuspenseQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useState } from 'react';
import { Button } from '../../../components/Button';
import { Can } from '../../../components/Can';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { DataTable, type Column } from '../../../components/DataTable';
import { IconPause, IconPlay, IconSearch, IconZap } from '../../../components/icons';
import { RelativeTime } from '../../../components/RelativeTime';
import { EmptyState } from '../../../components/States';
import { StateBadge } from '../../../components/StateBadge';
import { useCan } from '../../../lib/session';
import { schedulesQuery, useScheduleAction, type Schedule } from '../api';
import { describeCron, describeEvery } from '../cadence';
import '../schedules.css';

const route = getRouteApi('/_shell/schedules');

function Cadence({ schedule }: { schedule: Schedule }) {
  if (schedule.every !== null) return <span>{describeEvery(schedule.every)}</span>;
  if (schedule.pattern === null) return <span className="faint">–</span>;
  const words = describeCron(schedule.pattern);
  return (
    <div className="schedule-cadence">
      {words ? <span>{words}</span> : null}
      <code className={words ? 'faint' : undefined}>{schedule.pattern}</code>
    </div>
  );
}

/** When the last run finished, how it ended (a link to that job), and its summary or error. */
function LastRun({ schedule }: { schedule: Schedule }) {
  const run = schedule.lastRun;
  if (!run) return <RelativeTime at={schedule.lastRunAt} fallback="never" />;
  const words = run.state === 'completed' ? run.summary : run.failedReason;
  return (
    <div className="schedule-last">
      <span className="row" style={{ flexWrap: 'nowrap', gap: '0.4rem' }}>
        <Link to="/queues/$queue/jobs/$id" params={{ queue: schedule.queue, id: run.jobId }} aria-label={`${run.state === 'completed' ? 'Completed' : 'Failed'} run of ${schedule.id}, job ${run.jobId}`}>
          <StateBadge state={run.state} />
        </Link>
        <RelativeTime at={run.finishedAt} />
      </span>
      {words ? (
        <span className={run.state === 'failed' ? 'schedule-last-error' : 'faint'} title={words}>
          {words}
        </span>
      ) : null}
    </div>
  );
}

function Actions({ schedule }: { schedule: Schedule }) {
  const action = useScheduleAction();
  const busy = action.isPending && action.variables.id === schedule.id ? action.variables.action : undefined;
  return (
    <div className="row" style={{ justifyContent: 'flex-end', flexWrap: 'nowrap' }}>
      <ConfirmDialog
        trigger={
          <Button size="sm" icon={<IconZap size={13} />} pending={busy === 'trigger'} aria-label={`Run now: ${schedule.id}`}>
            Run now
          </Button>
        }
        title={`Run ${schedule.id} now?`}
        description={
          <p style={{ margin: 0 }}>
            Adds one job to <strong>{schedule.queue}</strong> at once, outside its cadence. The schedule itself is unchanged: its next run stays as planned.
          </p>
        }
        confirmLabel="Run now"
        tone="primary"
        onConfirm={() => action.mutateAsync({ id: schedule.id, action: 'trigger' })}
      />
      {schedule.paused ? (
        <Button size="sm" icon={<IconPlay size={13} />} pending={busy === 'resume'} onClick={() => action.mutate({ id: schedule.id, action: 'resume' })} aria-label={`Resume: ${schedule.id}`}>
          Resume
        </Button>
      ) : (
        <Button size="sm" icon={<IconPause size={13} />} pending={busy === 'pause'} onClick={() => action.mutate({ id: schedule.id, action: 'pause' })} aria-label={`Pause: ${schedule.id}`}>
          Pause
        </Button>
      )}
    </div>
  );
}

export function SchedulesPage() {
  const { data } = useSuspenseQuery(schedulesQuery);
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const canOperate = useCan('operator');
  const [text, setText] = useState(search.q ?? '');

  const needle = (search.q ?? '').toLowerCase();
  const rows = data.schedules
    .filter((s) => (search.show === 'paused' ? s.paused : search.show === 'active' ? !s.paused : true))
    .filter((s) => !needle || s.id.toLowerCase().includes(needle) || s.description.toLowerCase().includes(needle))
    .sort((a, b) => (a.next ?? Infinity) - (b.next ?? Infinity));
  const paused = data.schedules.filter((s) => s.paused).length;
  const soonest = data.schedules.filter((s) => s.next !== null).sort((a, b) => a.next! - b.next!)[0];

  const columns: Array<Column<Schedule>> = [
    {
      id: 'type',
      header: 'Job type',
      cell: (s) => (
        <div className="schedule-type">
          <Link to="/queues/$queue" params={{ queue: s.queue }} className="cell-name">
            {s.id}
          </Link>
          <span className="faint">{s.description}</span>
        </div>
      ),
    },
    { id: 'cadence', header: 'Cadence', cell: (s) => <Cadence schedule={s} /> },
    { id: 'tz', header: 'Time zone', cell: (s) => s.tz ?? '–', cellClass: (s) => (s.tz ? undefined : 'zero') },
    {
      id: 'next',
      header: 'Next run',
      cell: (s) => <span className="schedule-next">{s.paused ? <StateBadge state="paused" /> : <RelativeTime at={s.next} fallback="not planned" />}</span>,
    },
    { id: 'last', header: 'Last run', cell: (s) => <LastRun schedule={s} /> },
    ...(canOperate
      ? [{ id: 'actions', header: <span className="visually-hidden">Actions</span>, align: 'right' as const, cell: (s: Schedule) => <Actions schedule={s} /> }]
      : []),
  ];

  const setSearch = (next: { q?: string | undefined; show?: 'all' | 'active' | 'paused' | undefined }) =>
    void navigate({ search: (prev) => ({ ...prev, ...next }), replace: true });

  return (
    <>
      <div className="page-header">
        <div className="titles">
          <h1>Schedules</h1>
          <p className="subtitle">
            {data.schedules.length} schedulers · {paused} paused
            {soonest ? (
              <>
                {' '}
                · next: <strong>{soonest.id}</strong> <RelativeTime at={soonest.next} />
              </>
            ) : null}
          </p>
        </div>
      </div>
      <div className="table-wrap">
        <form
          className="table-toolbar"
          role="search"
          aria-label="Filter schedules"
          onSubmit={(event) => {
            event.preventDefault();
            setSearch({ q: text.trim() || undefined });
          }}
        >
          <label className="visually-hidden" htmlFor="schedule-search">
            Find a job type
          </label>
          <div className="sched-search">
            <IconSearch size={14} aria-hidden="true" />
            <input
              id="schedule-search"
              className="input input-sm"
              type="search"
              placeholder="Find a job type"
              value={text}
              onChange={(event) => {
                setText(event.target.value);
                setSearch({ q: event.target.value.trim() || undefined });
              }}
            />
          </div>
          <label className="visually-hidden" htmlFor="schedule-show">
            Show
          </label>
          <select id="schedule-show" className="input input-sm" value={search.show ?? 'all'} onChange={(event) => setSearch({ show: event.target.value === 'all' ? undefined : (event.target.value as 'active' | 'paused') })}>
            <option value="all">All schedules</option>
            <option value="active">Running on schedule</option>
            <option value="paused">Paused</option>
          </select>
          <span className="faint" style={{ marginLeft: 'auto' }}>
            {rows.length === data.schedules.length ? `${rows.length} shown` : `${rows.length} of ${data.schedules.length} shown`}
          </span>
        </form>
        <DataTable
          label="Schedules"
          columns={columns}
          rows={rows}
          rowKey={(s) => s.id}
          testId="schedules-table"
          empty={<EmptyState title={data.schedules.length === 0 ? 'No scheduled job types' : 'No schedule matches'}>{data.schedules.length === 0 ? 'Job types with a cadence appear here.' : 'Clear the filter to see every schedule.'}</EmptyState>}
        />
      </div>
      <Can role="operator">
        <p className="faint sched-note">Pausing removes the scheduler until it is resumed, on every instance; a restart leaves it paused.</p>
      </Can>
    </>
  );
}
