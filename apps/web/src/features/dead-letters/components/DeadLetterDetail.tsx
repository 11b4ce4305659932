// One dead letter in full: the error with its stack and cause chain, the job's data and options (as a
// tree, secrets already masked by the API), and what became of it.
import * as Dialog from '@radix-ui/react-dialog';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { IconX } from '../../../components/icons';
import { JsonTree } from '../../../components/JsonTree';
import { RelativeTime } from '../../../components/RelativeTime';
import { StateBadge } from '../../../components/StateBadge';
import type { DeadLetter } from '../api';

type SerializedError = DeadLetter['error'];

function ErrorChain({ error, depth = 0 }: { error: SerializedError; depth?: number }) {
  return (
    <div className="stack" style={{ gap: 'var(--space-2)' }}>
      <div className="error-text">
        {depth > 0 ? <span className="faint">caused by </span> : null}
        {error.name}: {error.message}
        {error.code ? <span className="faint"> ({error.code})</span> : null}
      </div>
      {error.stack ? <pre className="stack-trace">{error.stack}</pre> : null}
      {error.cause && depth < 5 ? <ErrorChain error={error.cause} depth={depth + 1} /> : null}
    </div>
  );
}

export function statusBadge(letter: DeadLetter) {
  if (letter.status === 'replayed') return <StateBadge state="completed" label="Replayed" />;
  // The failed job itself ran again (retried from the queue or Bull Board): the letter is settled.
  if (letter.status === 'retried') return <StateBadge state="completed" label="Retried" />;
  if (letter.status === 'discarded') return <StateBadge state="waiting" label="Discarded" />;
  return <StateBadge state="failed" label="Dead" />;
}

/** `actions`: the replay and discard controls, when the viewer may use them on this letter. */
export function DeadLetterDetail({ letter, onClose, actions }: { letter: DeadLetter | undefined; onClose: () => void; actions?: ReactNode }) {
  return (
    <Dialog.Root open={letter !== undefined} onOpenChange={(open) => !open && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="overlay" />
        <Dialog.Content className="dialog dl-detail" aria-describedby={undefined}>
          {letter ? (
            <>
              <div className="row" style={{ justifyContent: 'space-between', flexWrap: 'nowrap' }}>
                <Dialog.Title>
                  Dead letter {letter.id} <span className="faint">· {letter.jobName}</span>
                </Dialog.Title>
                <Dialog.Close className="btn btn-ghost btn-icon" aria-label="Close">
                  <IconX />
                </Dialog.Close>
              </div>
              <dl className="kv" style={{ margin: 'var(--space-3) 0' }}>
                <dt>Status</dt>
                <dd>{statusBadge(letter)}</dd>
                <dt>Queue</dt>
                <dd>
                  <Link to="/queues/$queue" params={{ queue: letter.queue }}>
                    {letter.queue}
                  </Link>
                </dd>
                <dt>Original job</dt>
                <dd className="mono">{letter.jobId}</dd>
                <dt>Attempts</dt>
                <dd>{letter.attemptsMade}</dd>
                <dt>Failed</dt>
                <dd>
                  <RelativeTime at={Date.parse(letter.failedAt)} />
                </dd>
                {letter.replayJobId ? (
                  <>
                    <dt>Replayed as</dt>
                    <dd>
                      <Link to="/queues/$queue/jobs/$id" params={{ queue: letter.queue, id: letter.replayJobId }} className="mono">
                        job {letter.replayJobId}
                      </Link>{' '}
                      <RelativeTime at={letter.replayedAt ? Date.parse(letter.replayedAt) : null} />
                    </dd>
                  </>
                ) : null}
                <dt>Fingerprint</dt>
                <dd className="mono">{letter.fingerprint}</dd>
              </dl>
              {actions ? <div className="row">{actions}</div> : null}
              <h3 className="dl-detail-heading">Error</h3>
              <ErrorChain error={letter.error} />
              <h3 className="dl-detail-heading">Data</h3>
              <JsonTree value={letter.data} label="Job data" height={260} />
              <h3 className="dl-detail-heading">Options</h3>
              <JsonTree value={letter.opts} label="Job options" height={160} />
            </>
          ) : null}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
