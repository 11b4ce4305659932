// Filters for dead letters: queue, error text, time range. Every change goes to the URL (replace, so
// typing does not flood history); the text waits for a pause in typing.
import { useEffect, useState } from 'react';
import { Button } from '../../../components/Button';
import { IconSearch, IconX } from '../../../components/icons';
import type { DeadLetterFilter } from '../api';
import { fromLocalInput, toLocalInput } from '../../../lib/datetime-local';

const TYPING_PAUSE_MS = 300;

export function FilterBar({ filter, queues, onChange }: { filter: DeadLetterFilter; queues: string[]; onChange: (next: Partial<DeadLetterFilter>) => void }) {
  const [text, setText] = useState(filter.q ?? '');
  // Back/forward changes the URL under us: follow it.
  useEffect(() => setText(filter.q ?? ''), [filter.q]);
  useEffect(() => {
    const next = text.trim() || undefined;
    if (next === filter.q) return;
    const timer = window.setTimeout(() => onChange({ q: next }), TYPING_PAUSE_MS);
    return () => window.clearTimeout(timer);
  }, [text, filter.q, onChange]);

  const options = filter.queue && !queues.includes(filter.queue) ? [filter.queue, ...queues] : queues;
  const filtered = Boolean(filter.queue || filter.q || filter.from || filter.to || filter.group);

  return (
    <form className="dl-filters" role="search" aria-label="Filter dead letters" onSubmit={(e) => e.preventDefault()}>
      <div className="field">
        <label htmlFor="dl-queue">Queue</label>
        <select id="dl-queue" className="input input-sm" value={filter.queue ?? ''} onChange={(e) => onChange({ queue: e.target.value || undefined, group: undefined })}>
          <option value="">Every queue</option>
          {options.map((q) => (
            <option key={q} value={q}>
              {q}
            </option>
          ))}
        </select>
      </div>
      <div className="field dl-text">
        <label htmlFor="dl-q">Error text</label>
        <div className="dl-search">
          <IconSearch size={14} aria-hidden="true" />
          <input id="dl-q" className="input input-sm" type="search" placeholder="e.g. timeout, ECONNREFUSED" value={text} onChange={(e) => setText(e.target.value)} />
        </div>
      </div>
      <div className="field">
        <label htmlFor="dl-from">Failed after</label>
        <input id="dl-from" className="input input-sm" type="datetime-local" value={toLocalInput(filter.from)} onChange={(e) => onChange({ from: fromLocalInput(e.target.value) })} />
      </div>
      <div className="field">
        <label htmlFor="dl-to">Failed before</label>
        <input id="dl-to" className="input input-sm" type="datetime-local" value={toLocalInput(filter.to)} onChange={(e) => onChange({ to: fromLocalInput(e.target.value) })} />
      </div>
      {filtered ? (
        <Button size="sm" variant="ghost" icon={<IconX size={13} />} onClick={() => onChange({ queue: undefined, q: undefined, from: undefined, to: undefined, group: undefined })}>
          Clear filters
        </Button>
      ) : null}
    </form>
  );
}
