// Throughput and failures per minute (from the queue's metrics), and the run time of recently finished jobs.
import { useQuery } from '@tanstack/react-query';
import { minuteTimestamps, TimeChart } from '../../../components/Chart';
import { formatDuration } from '../../../lib/format';
import { durationsQuery, type QueueDetail } from '../api';

export function QueueCharts({ queue }: { queue: QueueDetail }) {
  const minutes = queue.completedPerMinute.length;
  const timestamps = minuteTimestamps(minutes);
  const completed = [...queue.completedPerMinute].reverse();
  const failed = [...queue.failedPerMinute].reverse();
  const recent = useQuery(durationsQuery(queue.name));
  const runs = (recent.data?.items ?? []).map((j) => ({ at: Math.floor(j.finishedOn / 1000), ms: j.durationMs })).sort((a, b) => a.at - b.at);
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
            summary={`Run time of the ${runs.length} most recently finished jobs of ${queue.name}.`}
          />
        ) : (
          <p className="faint" style={{ margin: 0, fontSize: 'var(--text-sm)' }}>Run times appear once jobs complete.</p>
        )}
      </div>
    </section>
  );
}
