// Throughput and failures per minute (from the queue's metrics), and the duration of recent completed jobs.
import { useQuery } from '@tanstack/react-query';
import { minuteTimestamps, TimeChart } from '../../../components/Chart';
import { formatDuration } from '../../../lib/format';
import { jobsQuery, type QueueDetail } from '../api';

export function QueueCharts({ queue }: { queue: QueueDetail }) {
  const minutes = queue.completedPerMinute.length;
  const timestamps = minuteTimestamps(minutes);
  const completed = [...queue.completedPerMinute].reverse();
  const failed = [...queue.failedPerMinute].reverse();
  // The newest completed jobs carry their run times: the API has no duration series yet.
  const recent = useQuery(jobsQuery(queue.name, { state: 'completed', page: 1 }));
  const runs = (recent.data?.items ?? [])
    .filter((j) => j.processedOn && j.finishedOn)
    .map((j) => ({ at: Math.floor(j.finishedOn! / 1000), ms: j.finishedOn! - j.processedOn! }))
    .sort((a, b) => a.at - b.at);
  // uPlot needs strictly increasing x values: several jobs finishing in one second share one point (the slowest).
  const byTime = new Map<number, number>();
  for (const r of runs) byTime.set(r.at, Math.max(byTime.get(r.at) ?? 0, r.ms));

  return (
    <section className="card" aria-labelledby="charts-heading">
      <div className="card-header">
        <h2 id="charts-heading">Activity</h2>
        <span className="faint" style={{ fontSize: 'var(--text-xs)' }}>last {minutes} minutes</span>
      </div>
      <div className="card-body stack">
        <TimeChart
          timestamps={timestamps}
          series={[
            { label: 'Completed / min', values: completed, colorVar: '--state-completed' },
            { label: 'Failed / min', values: failed, colorVar: '--state-failed' },
          ]}
          height={170}
          summary={`Jobs of ${queue.name} completed and failed per minute over the last ${minutes} minutes: ${completed.reduce((a, b) => a + b, 0)} completed, ${failed.reduce((a, b) => a + b, 0)} failed.`}
        />
        {byTime.size > 1 ? (
          <TimeChart
            timestamps={[...byTime.keys()]}
            series={[{ label: 'Run time', values: [...byTime.values()], colorVar: '--state-active', format: formatDuration }]}
            height={120}
            summary={`Run time of the ${runs.length} most recently completed jobs of ${queue.name}.`}
          />
        ) : (
          <p className="faint" style={{ margin: 0, fontSize: 'var(--text-sm)' }}>Run times appear once jobs complete.</p>
        )}
      </div>
    </section>
  );
}
