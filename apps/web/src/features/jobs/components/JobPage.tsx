// One job, laid out for the operator who came from a failure: state and actions first, then the
// attempts with their errors and stacks, then data, options, result, logs and timeline. Everything
// from the job is rendered as text: never HTML, never a link built from its data.
import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { Button } from '../../../components/Button';
import { Can } from '../../../components/Can';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { IconExternal, IconForward, IconRetry, IconTrash } from '../../../components/icons';
import { JsonTree } from '../../../components/JsonTree';
import { RelativeTime } from '../../../components/RelativeTime';
import { StateBadge } from '../../../components/StateBadge';
import { EmptyState, ErrorState, LoadingState } from '../../../components/States';
import { ApiError } from '../../../lib/api-error';
import { formatAbsolute, formatCount, formatDuration } from '../../../lib/format';
import { jobQuery, useJobAction, type JobDetail } from '../api';

const route = getRouteApi('/_shell/queues/$queue/jobs/$id');

export function JobPage() {
  const { queue, id } = route.useParams();
  const job = useQuery(jobQuery(queue, id));

  const header = (
    <nav className="breadcrumbs" aria-label="Breadcrumbs">
      <Link to="/">Overview</Link>
      <span aria-hidden="true">/</span>
      <Link to="/queues/$queue" params={{ queue }}>{queue}</Link>
      <span aria-hidden="true">/</span>
      <span>Job</span>
    </nav>
  );
  if (job.isPending) return <>{header}<LoadingState rows={10} /></>;
  if (job.isError) {
    if (job.error instanceof ApiError && job.error.code === 'JOB_NOT_FOUND') {
      return (
        <>
          {header}
          <div className="card">
            <EmptyState title={`No job “${id}” in ${queue}`}>
              It may have been removed, or cleaned by the queue’s retention. <Link to="/queues/$queue" params={{ queue }}>Back to the queue</Link>
            </EmptyState>
          </div>
        </>
      );
    }
    return <>{header}<ErrorState error={job.error} onRetry={() => void job.refetch()} /></>;
  }
  return <JobView job={job.data} queue={queue} header={header} />;
}

function JobView({ job, queue, header }: { job: JobDetail; queue: string; header: ReactNode }) {
  const act = useJobAction(queue, job.id);
  const navigate = useNavigate();
  const maxAttempts = typeof job.opts.attempts === 'number' ? job.opts.attempts : undefined;
  const ran = job.processedOn && job.finishedOn ? job.finishedOn - job.processedOn : null;

  return (
    <>
      <div className="page-header">
        <div className="titles">
          {header}
          <div className="row">
            <h1>
              Job <span className="mono">{job.id}</span>
            </h1>
            <StateBadge state={job.state} />
          </div>
          <p className="subtitle">
            {job.name} · added <RelativeTime at={job.timestamp} />
          </p>
        </div>
        <div className="actions">
          <Can role="operator">
            {job.state === 'failed' ? (
              <Button variant="primary" icon={<IconRetry size={14} />} pending={act.isPending && act.variables === 'retry'} onClick={() => act.mutate('retry')}>
                Retry
              </Button>
            ) : null}
            {job.state === 'delayed' ? (
              <Button icon={<IconForward size={14} />} pending={act.isPending && act.variables === 'promote'} onClick={() => act.mutate('promote')}>
                Run now
              </Button>
            ) : null}
            {job.state !== 'active' ? (
              <ConfirmDialog
                trigger={<Button icon={<IconTrash size={14} />}>Remove</Button>}
                title={`Remove job ${job.id}?`}
                count={1}
                noun={`${job.state} job in ${queue}`}
                description="The job is deleted from Redis with its data, logs and result. This cannot be undone."
                confirmLabel="Remove"
                onConfirm={async () => {
                  const outcome = await act.mutateAsync('remove');
                  if (outcome.result?.outcome === 'done') await navigate({ to: '/queues/$queue', params: { queue } });
                }}
              />
            ) : null}
          </Can>
          <a className="btn" href={job.boardUrl}>
            <IconExternal /> Bull Board
          </a>
        </div>
      </div>

      <div className="grid" style={{ gridTemplateColumns: 'minmax(0, 2fr) minmax(18rem, 1fr)', alignItems: 'start' }}>
        <div className="stack">
          <Attempts job={job} maxAttempts={maxAttempts} />
          <section className="card" aria-labelledby="data-heading">
            <div className="card-header"><h2 id="data-heading">Data</h2></div>
            <div className="card-body" data-testid="job-data">
              <JsonTree value={job.data} label="Job data" />
            </div>
          </section>
          {job.returnvalue !== null && job.returnvalue !== undefined ? (
            <section className="card" aria-labelledby="result-heading">
              <div className="card-header"><h2 id="result-heading">Result</h2></div>
              <div className="card-body">
                <JsonTree value={job.returnvalue} label="Job result" height={260} />
              </div>
            </section>
          ) : null}
          <section className="card" aria-labelledby="logs-heading">
            <div className="card-header">
              <h2 id="logs-heading">Logs</h2>
              <span className="faint num" style={{ fontSize: 'var(--text-xs)' }}>
                {job.logs.total > job.logs.lines.length ? `first ${formatCount(job.logs.lines.length)} of ${formatCount(job.logs.total)}` : formatCount(job.logs.total)}
              </span>
            </div>
            <div className="card-body">
              {job.logs.lines.length === 0 ? <p className="faint" style={{ margin: 0 }}>No log lines.</p> : (
                <ol className="logs">
                  {job.logs.lines.map((line, i) => <li key={i}>{line}</li>)}
                </ol>
              )}
            </div>
          </section>
          <section className="card" aria-labelledby="options-heading">
            <div className="card-header"><h2 id="options-heading">Options</h2></div>
            <div className="card-body" data-testid="job-options">
              <JsonTree value={job.opts} label="Job options" height={260} />
            </div>
          </section>
        </div>
        <div className="stack">
          <section className="card" aria-labelledby="summary-heading">
            <div className="card-header"><h2 id="summary-heading">Summary</h2></div>
            <div className="card-body">
              <dl className="kv">
                <dt>Queue</dt>
                <dd><Link to="/queues/$queue" params={{ queue }} search={{ state: isListState(job.state) ? job.state : undefined }}>{queue}</Link></dd>
                <dt>Name</dt>
                <dd>{job.name}</dd>
                <dt>State</dt>
                <dd>{job.state}</dd>
                <dt>Attempts</dt>
                <dd>{formatCount(job.attemptsMade)}{maxAttempts ? ` of ${formatCount(maxAttempts)}` : ''}</dd>
                <dt>Run time</dt>
                <dd>{ran === null ? '–' : formatDuration(ran)}</dd>
                <dt>Priority</dt>
                <dd>{job.priority || 'Default'}</dd>
                {job.delay ? (<><dt>Delay</dt><dd>{formatDuration(job.delay)}</dd></>) : null}
              </dl>
              {job.state === 'active' || job.progress !== 0 ? <Progress value={job.progress} /> : null}
            </div>
          </section>
          <section className="card" aria-labelledby="timeline-heading">
            <div className="card-header"><h2 id="timeline-heading">Timeline</h2></div>
            <div className="card-body">
              <ol className="timeline">
                {job.timeline.map((t) => (
                  <li key={t.event + t.at}>
                    <span className="dot" data-event={t.event} aria-hidden="true" />
                    <span style={{ textTransform: 'capitalize' }}>{t.event}</span>
                    <span className="muted num" title={formatAbsolute(t.at)}>
                      <RelativeTime at={t.at} />
                    </span>
                  </li>
                ))}
              </ol>
            </div>
          </section>
        </div>
      </div>
    </>
  );
}

const LIST_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed', 'waiting-children'] as const;
function isListState(state: string): state is (typeof LIST_STATES)[number] {
  return (LIST_STATES as readonly string[]).includes(state);
}

function Progress({ value }: { value: unknown }) {
  if (typeof value === 'number') {
    const pct = Math.max(0, Math.min(100, value));
    return (
      <div style={{ marginTop: 'var(--space-4)' }}>
        <div className="row" style={{ justifyContent: 'space-between', fontSize: 'var(--text-sm)' }}>
          <span className="muted">Progress</span>
          <span className="num">{pct}%</span>
        </div>
        <div className="progress" role="progressbar" aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100} aria-label="Progress">
          <div style={{ width: `${pct}%` }} />
        </div>
      </div>
    );
  }
  if (value === null || value === undefined || value === 0 || (typeof value === 'object' && Object.keys(value).length === 0)) return null;
  return (
    <div style={{ marginTop: 'var(--space-4)' }}>
      <div className="muted" style={{ fontSize: 'var(--text-sm)', marginBottom: 'var(--space-2)' }}>Progress</div>
      <JsonTree value={value} label="Job progress" height={160} />
    </div>
  );
}

/**
 * BullMQ keeps one stack per failed attempt (oldest first) and the last failure's message. The newest
 * attempt is shown first: it is the one the operator is looking at.
 */
function Attempts({ job, maxAttempts }: { job: JobDetail; maxAttempts: number | undefined }) {
  const stacks = job.stacktrace;
  if (stacks.length === 0 && !job.failedReason) return null;
  const attempts = stacks.map((stack, i) => ({ n: i + 1, stack })).reverse();
  return (
    <section className="card" aria-labelledby="attempts-heading">
      <div className="card-header">
        <h2 id="attempts-heading">Failed attempts</h2>
        <span className="faint num" style={{ fontSize: 'var(--text-xs)' }}>
          {formatCount(stacks.length)}{maxAttempts ? ` of ${formatCount(maxAttempts)} allowed` : ''}
        </span>
      </div>
      <div className="card-body">
        {job.failedReason ? (
          <p className="error-text" style={{ marginTop: 0 }} data-testid="job-failed-reason">
            {job.failedReason}
          </p>
        ) : null}
        {attempts.map(({ n, stack }) => (
          <details key={n} className="attempt" open={n === stacks.length}>
            <summary style={{ cursor: 'pointer', fontSize: 'var(--text-sm)', fontWeight: 550 }}>
              Attempt {n}: <span className="error-text">{stack.split('\n', 1)[0]}</span>
            </summary>
            <pre className="stack-trace" style={{ marginTop: 'var(--space-2)' }}>{stack}</pre>
          </details>
        ))}
      </div>
    </section>
  );
}
