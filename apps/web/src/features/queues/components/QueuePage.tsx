// One queue: what it is (counts, charts, configuration, workers), its jobs by state (tabs and pages in
// the URL), and what an operator can do about it (pause/resume, retry failed, drain, clean, reset the
// breaker, act on a selection of jobs).
import { useQuery, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { Can } from '../../../components/Can';
import { IconExternal, IconSearch } from '../../../components/icons';
import { StateBadge } from '../../../components/StateBadge';
import { errorMessage } from '../../../lib/api-error';
import { formatCount, formatDuration, formatPercent } from '../../../lib/format';
import { findJob, jobsQuery, queueQuery } from '../api';
import { DEFAULT_STATE, JOB_STATES, STATE_LABELS } from '../job-states';
import { JobsTable } from './JobsTable';
import { QueueActions } from './QueueActions';
import { QueueCharts } from './QueueCharts';
import { QueueSettings } from './QueueSettings';

const route = getRouteApi('/_shell/queues/$queue');

/** Bull Board's name for each state's list, so its link opens the tab the operator is on. */
const BOARD_STATUS: Record<(typeof JOB_STATES)[number], string> = {
  waiting: 'waiting',
  prioritized: 'prioritized',
  active: 'active',
  delayed: 'delayed',
  completed: 'completed',
  failed: 'failed',
  'waiting-children': 'waiting-children',
};

export function QueuePage() {
  const { queue } = route.useParams();
  const search = route.useSearch();
  const state = search.state ?? DEFAULT_STATE;
  const page = search.page ?? 1;
  const { data: detail } = useSuspenseQuery(queueQuery(queue));
  const jobs = useQuery(jobsQuery(queue, { state, page }));

  return (
    <>
      <div className="page-header">
        <div className="titles">
          <nav className="breadcrumbs" aria-label="Breadcrumbs">
            <Link to="/">Overview</Link>
            <span aria-hidden="true">/</span>
            <span>Queue</span>
          </nav>
          <div className="row">
            <h1>{detail.name}</h1>
            {detail.paused ? <StateBadge state="paused" /> : null}
            <StateBadge state={detail.breaker.state} />
          </div>
          {detail.description ? <p className="subtitle">{detail.description}</p> : null}
        </div>
        <div className="actions">
          <Can role="operator">
            <QueueActions queue={detail} />
          </Can>
          <a className="btn" href={`${detail.boardUrl}?status=${BOARD_STATUS[state]}`}>
            <IconExternal /> Bull Board
          </a>
        </div>
      </div>

      <div className="stat-strip" aria-label="Queue figures">
        <Figure label="Waiting" value={formatCount(detail.counts.waiting + detail.counts.prioritized)} />
        <Figure label="Active" value={formatCount(detail.counts.active)} state="active" />
        <Figure label="Failed" value={formatCount(detail.counts.failed)} state="failed" testId="queue-failed-count" />
        <Figure label="Done / min" value={formatCount(detail.throughputPerMinute)} />
        <Figure label="Failure rate" value={formatPercent(detail.failureRate)} />
        <Figure label="Oldest waiting" value={detail.oldestWaitingMs === null ? '–' : formatDuration(detail.oldestWaitingMs)} />
        <Figure label="Workers" value={formatCount(detail.workers.length)} />
      </div>

      <div className="grid" style={{ gridTemplateColumns: 'minmax(0, 2fr) minmax(18rem, 1fr)', alignItems: 'start', marginBottom: 'var(--space-4)' }}>
        <QueueCharts queue={detail} />
        <QueueSettings queue={detail} />
      </div>

      <section className="card" aria-labelledby="jobs-heading">
        <div className="card-header">
          <h2 id="jobs-heading">Jobs</h2>
          <div className="topbar-spacer" />
          <FindJob queue={queue} />
        </div>
        <nav className="tabs-list" aria-label="Job states" style={{ padding: '0 var(--space-3)', marginBottom: 0 }}>
          {JOB_STATES.map((s) => (
            <Link
              key={s}
              to="/queues/$queue"
              params={{ queue }}
              search={{ state: s }}
              className="tab"
              data-state={s === state ? 'active' : 'inactive'}
              aria-current={s === state ? 'page' : undefined}
              data-testid={`tab-${s}`}
            >
              {STATE_LABELS[s]}
              <span className="tab-count" data-testid={`tab-count-${s}`}>{formatCount(detail.counts[s], true)}</span>
            </Link>
          ))}
        </nav>
        <JobsTable key={`${state}:${page}`} queue={queue} state={state} page={page} result={jobs} total={detail.counts[state]} />
      </section>
    </>
  );
}

function Figure({ label, value, state, testId }: { label: string; value: string; state?: string; testId?: string }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className={`stat-value count${value === '0' ? ' zero' : ''}`} data-state={state} data-testid={testId}>
        {value}
      </div>
    </div>
  );
}

function FindJob({ queue }: { queue: string }) {
  const queryClient = useQueryClient();
  const navigate = route.useNavigate();
  const [id, setId] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const wanted = id.trim();
    if (!wanted) return;
    setBusy(true);
    setProblem(null);
    try {
      if (await findJob(queryClient, queue, wanted)) await navigate({ to: '/queues/$queue/jobs/$id', params: { queue, id: wanted } });
      else setProblem(`No job “${wanted}” in ${queue}.`);
    } catch (error) {
      setProblem(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="row" role="search" onSubmit={(e) => void submit(e)} style={{ flexWrap: 'nowrap' }}>
      {problem ? <span className="error-text" role="alert" style={{ fontSize: 'var(--text-xs)' }}>{problem}</span> : null}
      <label className="visually-hidden" htmlFor="find-job">Find a job by id</label>
      <input id="find-job" className="input input-sm mono" placeholder="Job id" value={id} onChange={(e) => setId(e.target.value)} style={{ width: '11rem' }} />
      <button type="submit" className="btn btn-sm" disabled={busy || !id.trim()}>
        <IconSearch size={14} /> Find
      </button>
    </form>
  );
}
