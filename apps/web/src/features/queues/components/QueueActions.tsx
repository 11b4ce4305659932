// The queue-wide actions. Each destructive one confirms with the number of jobs it will touch; each
// answers with a toast (see api.ts). Rendered only for operators (the page wraps it in <Can>).
import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Button } from '../../../components/Button';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { IconBroom, IconPause, IconPlay, IconRetry, IconTrash, IconZap } from '../../../components/icons';
import { formatCount, formatDuration } from '../../../lib/format';
import { cleanPreviewQuery, drainPreviewQuery, useCleanQueue, useDrainQueue, usePauseQueue, useResetBreaker, useRetryAllFailed, type CleanableState, type QueueDetail } from '../api';

const CLEAN_STATES: Array<{ value: CleanableState; label: string; count: (q: QueueDetail) => number }> = [
  { value: 'completed', label: 'Completed', count: (q) => q.counts.completed },
  { value: 'failed', label: 'Failed', count: (q) => q.counts.failed },
  { value: 'delayed', label: 'Delayed', count: (q) => q.counts.delayed },
  { value: 'wait', label: 'Waiting', count: (q) => q.counts.waiting },
  { value: 'prioritized', label: 'Prioritized', count: (q) => q.counts.prioritized },
];
const AGES = [0, 60_000, 3_600_000, 86_400_000, 7 * 86_400_000];

export function QueueActions({ queue }: { queue: QueueDetail }) {
  const name = queue.name;
  const pause = usePauseQueue(name);
  const retryFailed = useRetryAllFailed(name);
  const drain = useDrainQueue(name);
  const clean = useCleanQueue(name);
  const reset = useResetBreaker(name);
  const [drainDelayed, setDrainDelayed] = useState(false);
  const [cleanState, setCleanState] = useState<CleanableState>('completed');
  const [cleanAge, setCleanAge] = useState(3_600_000);
  const ids = { delayed: useId(), state: useId(), age: useId() };
  const waiting = queue.counts.waiting + queue.counts.prioritized;
  // While a confirmation is open, the API counts exactly what the action would touch.
  const [drainOpen, setDrainOpen] = useState(false);
  const [cleanOpen, setCleanOpen] = useState(false);
  const drainPreview = useQuery({ ...drainPreviewQuery(name, drainDelayed), enabled: drainOpen });
  const cleanPreview = useQuery({ ...cleanPreviewQuery(name, cleanState, cleanAge), enabled: cleanOpen });

  return (
    <>
      {queue.paused ? (
        <Button variant="primary" icon={<IconPlay size={14} />} pending={pause.isPending} onClick={() => pause.mutate(false)}>
          Resume
        </Button>
      ) : (
        <Button icon={<IconPause size={14} />} pending={pause.isPending} onClick={() => pause.mutate(true)}>
          Pause
        </Button>
      )}
      {queue.breaker.state !== 'closed' ? (
        <Button icon={<IconZap size={14} />} pending={reset.isPending} onClick={() => reset.mutate()}>
          Reset breaker
        </Button>
      ) : null}
      <ConfirmDialog
        trigger={
          <Button icon={<IconRetry size={14} />} disabled={queue.counts.failed === 0}>
            Retry failed
          </Button>
        }
        title={`Retry every failed job in ${name}?`}
        count={queue.counts.failed}
        noun="failed jobs"
        description="They go back to waiting and run again with their remaining attempts. Jobs that fail again while this runs are left alone."
        confirmLabel="Retry all failed"
        tone="primary"
        onConfirm={() => retryFailed.mutateAsync(queue.counts.failed)}
      />
      <ConfirmDialog
        trigger={
          <Button icon={<IconTrash size={14} />} disabled={waiting === 0 && queue.counts.delayed === 0}>
            Drain
          </Button>
        }
        title={`Drain ${name}?`}
        count={drainPreview.data?.count}
        counting={drainPreview.isPending}
        onOpenChange={setDrainOpen}
        noun={drainDelayed ? 'waiting and delayed jobs' : 'waiting jobs'}
        description={
          <>
            <p>They are removed without running. Active jobs finish; completed and failed jobs stay.</p>
            {drainPreview.data && drainPreview.data.count > drainPreview.data.perCall ? (
              <p>One drain removes at most {formatCount(drainPreview.data.perCall)}; drain again for the rest.</p>
            ) : null}
            <label htmlFor={ids.delayed} className="row" style={{ gap: '0.4rem' }}>
              <input id={ids.delayed} type="checkbox" checked={drainDelayed} onChange={(e) => setDrainDelayed(e.target.checked)} />
              Also remove the {formatCount(queue.counts.delayed)} delayed jobs
            </label>
          </>
        }
        confirmLabel="Drain"
        onConfirm={() => drain.mutateAsync(drainDelayed)}
      />
      <ConfirmDialog
        trigger={<Button icon={<IconBroom size={14} />}>Clean</Button>}
        title={`Clean old jobs from ${name}`}
        count={cleanPreview.data?.count}
        counting={cleanPreview.isPending}
        onOpenChange={setCleanOpen}
        noun={`${cleanPreview.data && !cleanPreview.data.exact ? 'or more ' : ''}${cleanState === 'wait' ? 'waiting' : cleanState} jobs older than ${cleanAge === 0 ? 'now' : formatDuration(cleanAge)}`}
        description={
          <div className="row" style={{ gap: 'var(--space-3)', alignItems: 'flex-end' }}>
            <div className="field">
              <label htmlFor={ids.state}>State</label>
              <select id={ids.state} className="input input-sm" value={cleanState} onChange={(e) => setCleanState(e.target.value as CleanableState)}>
                {CLEAN_STATES.map((s) => (
                  <option key={s.value} value={s.value}>
                    {s.label} ({formatCount(s.count(queue))})
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={ids.age}>Older than</label>
              <select id={ids.age} className="input input-sm" value={cleanAge} onChange={(e) => setCleanAge(Number(e.target.value))}>
                {AGES.map((ms) => (
                  <option key={ms} value={ms}>
                    {ms === 0 ? 'Any age' : formatDuration(ms)}
                  </option>
                ))}
              </select>
            </div>
          </div>
        }
        confirmLabel="Clean"
        onConfirm={() => clean.mutateAsync({ state: cleanState, olderThanMs: cleanAge })}
      />
    </>
  );
}
