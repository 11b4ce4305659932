// The job type's configuration as the registry defines it, and the workers attached right now.
import { formatCount, formatDuration } from '../../../lib/format';
import type { QueueDetail } from '../api';

function schedule(s: QueueDetail['settings']['schedule']): string {
  if (!s) return 'On demand';
  if ('every' in s) return `Every ${formatDuration(s.every)}`;
  return `${s.pattern}${s.tz ? ` (${s.tz})` : ''}`;
}

const plural = (n: number, word: string) => `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;

export function QueueSettings({ queue }: { queue: QueueDetail }) {
  const s = queue.settings;
  return (
    <section className="card" aria-labelledby="settings-heading">
      <div className="card-header">
        <h2 id="settings-heading">Configuration</h2>
      </div>
      <div className="card-body">
        <dl className="kv">
          <dt>Schedule</dt>
          <dd className="mono">{schedule(s.schedule)}</dd>
          <dt>Attempts</dt>
          <dd>{formatCount(s.attempts)}</dd>
          <dt>Backoff</dt>
          <dd>
            {s.backoff.type}, {formatDuration(s.backoff.delay)}
          </dd>
          <dt>Timeout</dt>
          <dd>{formatDuration(s.timeoutMs)}</dd>
          <dt>Concurrency</dt>
          <dd>{formatCount(s.concurrency)} per worker</dd>
          <dt>Exclusive</dt>
          <dd>{s.exclusive ? 'Yes — never two runs at once' : 'No'}</dd>
          <dt>Priority</dt>
          <dd>{s.priority ?? 'Default'}</dd>
          <dt>Workers</dt>
          <dd>
            {queue.workers.length === 0 ? (
              <span className="faint">None attached</span>
            ) : (
              <span title={queue.workers.map((w) => `${w.name ?? 'unnamed'} ${w.addr}`).join('\n')}>
                {formatCount(queue.workers.length)} on {plural(new Set(queue.workers.map((w) => w.name ?? 'unnamed')).size, 'instance')}
              </span>
            )}
          </dd>
        </dl>
      </div>
    </section>
  );
}
