// Who is doing the work: every Bullpen instance with its roles, host, uptime and heartbeat age, and
// for each queue the worker connections attached to it. A queue with no worker is called out, since
// its jobs will wait forever. `?queue=` narrows the second table.
import { useSuspenseQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { DataTable, type Column } from '../../../components/DataTable';
import { RelativeTime, useNow } from '../../../components/RelativeTime';
import { EmptyState } from '../../../components/States';
import { StateBadge } from '../../../components/StateBadge';
import { formatAbsolute, formatCount, formatDuration } from '../../../lib/format';
import { allWorkersQuery, instancesQuery, type Instance, type WorkerConnection } from '../api';
import '../workers.css';

const route = getRouteApi('/_shell/workers');

interface QueueWorkers {
  queue: string;
  connections: WorkerConnection[];
  /** Instances whose heartbeat says they serve this queue. */
  servedBy: string[];
}

function HeartbeatAge({ instance }: { instance: Instance }) {
  const now = useNow();
  const age = Math.max(0, Math.max(now, Date.now() - 60_000) - instance.lastSeenAt);
  return (
    <span className="row" style={{ flexWrap: 'nowrap' }}>
      <StateBadge state={instance.alive ? 'completed' : 'failed'} label={instance.alive ? 'Alive' : 'Stale'} />
      <time dateTime={new Date(instance.lastSeenAt).toISOString()} title={formatAbsolute(instance.lastSeenAt)} className="num">
        {age < 1_000 ? 'just now' : `${formatDuration(age)} ago`}
      </time>
    </span>
  );
}

function Roles({ instance, self }: { instance: Instance; self: boolean }) {
  const roles = [...(self ? ['http'] : []), ...(instance.roles.worker ? ['worker'] : []), ...(instance.roles.scheduler ? ['scheduler'] : [])];
  if (roles.length === 0) return <span className="faint">none</span>;
  return (
    <span className="row" style={{ gap: '0.25rem' }}>
      {roles.map((role) => (
        <span key={role} className="role-chip" data-role={role}>
          {role}
        </span>
      ))}
    </span>
  );
}

export function WorkersPage() {
  const { data: instanceData } = useSuspenseQuery(instancesQuery);
  const { data: workerData } = useSuspenseQuery(allWorkersQuery);
  const search = route.useSearch();
  const navigate = route.useNavigate();

  const instances = [...instanceData.instances].sort((a, b) => Number(b.alive) - Number(a.alive) || a.instanceId.localeCompare(b.instanceId));
  const byQueue = new Map<string, QueueWorkers>();
  const entry = (queue: string) => {
    let found = byQueue.get(queue);
    if (!found) byQueue.set(queue, (found = { queue, connections: [], servedBy: [] }));
    return found;
  };
  for (const instance of instances) if (instance.alive) for (const queue of instance.queues) entry(queue).servedBy.push(instance.instanceId);
  for (const connection of workerData.workers) entry(connection.queue).connections.push(connection);
  const allQueues = [...byQueue.values()].sort((a, b) => a.connections.length - b.connections.length || a.queue.localeCompare(b.queue));
  const queues = search.queue ? allQueues.filter((q) => q.queue === search.queue) : allQueues;
  const unserved = allQueues.filter((q) => q.connections.length === 0).length;
  const alive = instances.filter((i) => i.alive).length;

  const instanceColumns: Array<Column<Instance>> = [
    {
      id: 'id',
      header: 'Instance',
      cell: (i) => (
        <span className="row" style={{ flexWrap: 'nowrap' }}>
          <span className="cell-name mono">{i.instanceId}</span>
          {i.instanceId === instanceData.self ? <span className="role-chip" data-role="self">this one</span> : null}
        </span>
      ),
    },
    { id: 'roles', header: 'Roles', cell: (i) => <Roles instance={i} self={i.instanceId === instanceData.self} /> },
    { id: 'version', header: 'Version', cell: (i) => (i.version ? <span className="mono">{i.version}</span> : <span className="faint">unknown</span>) },
    { id: 'host', header: 'Host', cell: (i) => <span className="mono">{i.host}<span className="faint"> · pid {i.pid}</span></span> },
    { id: 'started', header: 'Started', cell: (i) => <RelativeTime at={i.startedAt} /> },
    { id: 'heartbeat', header: 'Heartbeat', cell: (i) => <HeartbeatAge instance={i} /> },
    { id: 'queues', header: 'Queues', align: 'right', cell: (i) => <span title={i.queues.join(', ')}>{formatCount(i.queues.length)}</span> },
  ];

  const queueColumns: Array<Column<QueueWorkers>> = [
    {
      id: 'queue',
      header: 'Queue',
      cell: (q) => (
        <Link to="/queues/$queue" params={{ queue: q.queue }} className="cell-name">
          {q.queue}
        </Link>
      ),
    },
    {
      id: 'workers',
      header: 'Workers',
      align: 'right',
      cell: (q) => (q.connections.length === 0 ? <StateBadge state="failed" label="No worker" /> : <span className="num">{formatCount(q.connections.length)}</span>),
    },
    {
      id: 'who',
      header: 'Connections',
      cell: (q) =>
        q.connections.length === 0 ? (
          <span className="faint">Jobs added here wait until a worker instance starts.</span>
        ) : (
          <ul className="worker-list">
            {q.connections.map((c) => (
              <li key={`${c.addr}-${c.name ?? ''}`}>
                <span className="mono">{c.name ?? 'unnamed'}</span>
                <span className="faint mono"> {c.addr}</span>
                <span className="faint"> · connected {formatDuration(c.ageSeconds * 1_000)}, idle {formatDuration(c.idleSeconds * 1_000)}</span>
              </li>
            ))}
          </ul>
        ),
    },
  ];

  return (
    <>
      <div className="page-header">
        <div className="titles">
          <h1>Workers</h1>
          <p className="subtitle">Instances report a heartbeat every 10 s; one older than 30 s is listed as stale.</p>
        </div>
      </div>
      <div className="stat-strip" aria-label="Totals">
        <div className="stat">
          <div className="stat-label">Instances alive</div>
          <div className="stat-value" data-testid="instances-alive">{formatCount(alive)}</div>
        </div>
        <div className="stat">
          <div className="stat-label">Stale instances</div>
          <div className={`stat-value count${instances.length - alive === 0 ? ' zero' : ''}`} data-state="failed">{formatCount(instances.length - alive)}</div>
        </div>
        <div className="stat">
          <div className="stat-label">Worker connections</div>
          <div className="stat-value">{formatCount(workerData.workers.length)}</div>
        </div>
        <div className="stat">
          <div className="stat-label">Queues without a worker</div>
          <div className={`stat-value count${unserved === 0 ? ' zero' : ''}`} data-state="failed">{formatCount(unserved)}</div>
        </div>
      </div>

      <section className="workers-section" aria-labelledby="instances-heading">
        <h2 id="instances-heading">Instances</h2>
        <div className="table-wrap">
          <DataTable
            label="Instances"
            columns={instanceColumns}
            rows={instances}
            rowKey={(i) => i.instanceId}
            testId="instances-table"
            empty={<EmptyState title="No instance has reported">Instances appear here within 10 s of starting.</EmptyState>}
          />
        </div>
      </section>

      <section className="workers-section" aria-labelledby="queues-heading">
        <div className="row" style={{ justifyContent: 'space-between' }}>
          <h2 id="queues-heading">Workers per queue</h2>
          <div className="row">
            <label htmlFor="workers-queue" className="faint">
              Queue
            </label>
            <select
              id="workers-queue"
              className="input input-sm"
              value={search.queue ?? ''}
              onChange={(event) => void navigate({ search: { queue: event.target.value || undefined }, replace: true })}
            >
              <option value="">Every queue</option>
              {allQueues
                .map((q) => q.queue)
                .sort()
                .map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
            </select>
          </div>
        </div>
        <div className="table-wrap">
          <DataTable
            label="Workers per queue"
            columns={queueColumns}
            rows={queues}
            rowKey={(q) => q.queue}
            testId="queue-workers-table"
            empty={<EmptyState title={search.queue ? `No worker serves ${search.queue}` : 'No queues'}>{search.queue ? 'Choose “Every queue” to see the others.' : null}</EmptyState>}
          />
        </div>
      </section>
    </>
  );
}
