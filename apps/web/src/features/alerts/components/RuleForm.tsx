// The rule editor: kind, scope, the kind's threshold, window, cooldown and channels, with the API's
// validation shown field by field and a preview of when the rule would have fired over the last hour.
import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/Button';
import { ApiError } from '../../../lib/api-error';
import { usePreviewRule, useSaveRule, type AlertChannel, type AlertRule, type RuleDraft, type RuleKind } from '../api';

interface ParamField {
  key: string;
  label: string;
  /** Shown and typed in seconds, sent in milliseconds. */
  seconds?: boolean;
  checkbox?: boolean;
  fallback: number | boolean;
}

export const RULE_KIND_INFO: Record<RuleKind, { label: string; hint: string; params: ParamField[] }> = {
  'job-failed': { label: 'Job failed', hint: 'Each failed attempt, or only the final one.', params: [{ key: 'finalOnly', label: 'Final failures only', checkbox: true, fallback: false }] },
  'dead-letter': { label: 'Dead letter arrived', hint: 'A job ran out of attempts.', params: [] },
  stalled: { label: 'Stalled job', hint: 'A worker stopped renewing a job’s lock.', params: [] },
  'failure-rate': {
    label: 'Failure rate above',
    hint: 'Final failures as a share of finished jobs over the window.',
    params: [
      { key: 'thresholdPercent', label: 'Threshold (%)', fallback: 10 },
      { key: 'minVolume', label: 'Minimum finished jobs', fallback: 10 },
    ],
  },
  backlog: { label: 'Backlog above', hint: 'Jobs waiting to run.', params: [{ key: 'threshold', label: 'Waiting jobs', fallback: 100 }] },
  'oldest-waiting': { label: 'Oldest waiting job older than', hint: 'How long the oldest waiting job has waited.', params: [{ key: 'thresholdMs', label: 'Age (s)', seconds: true, fallback: 300_000 }] },
  'breaker-open': { label: 'Circuit breaker opened', hint: 'A type’s breaker is open on any instance.', params: [] },
  'schedule-missed': { label: 'Schedule missed', hint: 'No run within its period plus a grace time.', params: [{ key: 'graceMs', label: 'Grace (s)', seconds: true, fallback: 60_000 }] },
  'heartbeat-lost': { label: 'Instance heartbeat lost', hint: 'An instance stopped reporting.', params: [{ key: 'afterMs', label: 'Silent for (s)', seconds: true, fallback: 30_000 }] },
  'no-worker': { label: 'No worker for waiting jobs', hint: 'Jobs have waited this long and no worker is connected to the queue.', params: [{ key: 'afterMs', label: 'Waited at least (s)', seconds: true, fallback: 30_000 }] },
};

function initialDraft(rule: AlertRule | undefined): RuleDraft {
  if (rule) {
    return { name: rule.name, kind: rule.kind, queues: rule.queues, params: rule.params, windowMs: rule.windowMs, cooldownMs: rule.cooldownMs, channelIds: rule.channelIds, enabled: rule.enabled };
  }
  return { name: '', kind: 'job-failed', queues: [], params: { finalOnly: false }, windowMs: 300_000, cooldownMs: 300_000, channelIds: [1], enabled: true };
}

function defaultParams(kind: RuleKind): Record<string, unknown> {
  return Object.fromEntries(RULE_KIND_INFO[kind].params.map((p) => [p.key, p.fallback]));
}

/** The API's field errors, keyed by path ("params.thresholdPercent"). */
function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError) || error.code !== 'VALIDATION_FAILED') return {};
  const issues = (error.details as { issues?: Array<{ path: string[]; message: string }> } | undefined)?.issues ?? [];
  return Object.fromEntries(issues.map((i) => [i.path.join('.'), i.message]));
}

export function RuleForm({ rule, channels, queues, onDone }: { rule?: AlertRule | undefined; channels: AlertChannel[]; queues: string[]; onDone: () => void }) {
  const [draft, setDraft] = useState<RuleDraft>(() => initialDraft(rule));
  const [queueText, setQueueText] = useState(draft.queues.join(', '));
  const save = useSaveRule();
  const preview = usePreviewRule();
  const errors = fieldErrors(save.error);
  const info = RULE_KIND_INFO[draft.kind];
  const set = (patch: Partial<RuleDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const current = (): RuleDraft => ({ ...draft, queues: queueText.split(',').map((q) => q.trim()).filter(Boolean) });
  const unknownQueues = current().queues.filter((q) => !queues.includes(q));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({ id: rule?.id, draft: current() }, { onSuccess: onDone });
  };
  const error = (path: string) =>
    errors[path] ? (
      <span className="field-error" role="alert">
        {errors[path]}
      </span>
    ) : null;

  return (
    <form className="card alert-form" onSubmit={submit} aria-label={rule ? `Edit rule ${rule.name}` : 'New rule'}>
      <div className="card-header">
        <h2>{rule ? `Edit “${rule.name}”` : 'New rule'}</h2>
      </div>
      <div className="card-body alert-form-grid">
        <div className="field">
          <label htmlFor="rule-name">Name</label>
          <input id="rule-name" className="input" required maxLength={120} value={draft.name} onChange={(e) => set({ name: e.target.value })} />
          {error('name')}
        </div>
        <div className="field">
          <label htmlFor="rule-kind">Fires on</label>
          <select id="rule-kind" className="input" value={draft.kind} onChange={(e) => set({ kind: e.target.value as RuleKind, params: defaultParams(e.target.value as RuleKind) })}>
            {Object.entries(RULE_KIND_INFO).map(([kind, { label }]) => (
              <option key={kind} value={kind}>
                {label}
              </option>
            ))}
          </select>
          <span className="faint field-hint">{info.hint}</span>
        </div>
        {info.params.map((p) => (
          <div className="field" key={p.key}>
            {p.checkbox ? (
              <label className="checkbox">
                <input type="checkbox" checked={Boolean(draft.params[p.key])} onChange={(e) => set({ params: { ...draft.params, [p.key]: e.target.checked } })} /> {p.label}
              </label>
            ) : (
              <>
                <label htmlFor={`rule-param-${p.key}`}>{p.label}</label>
                <input
                  id={`rule-param-${p.key}`}
                  className="input"
                  type="number"
                  min={0}
                  step="any"
                  value={p.seconds ? Number(draft.params[p.key] ?? 0) / 1000 : Number(draft.params[p.key] ?? 0)}
                  onChange={(e) => set({ params: { ...draft.params, [p.key]: p.seconds ? Math.round(Number(e.target.value) * 1000) : Number(e.target.value) } })}
                />
              </>
            )}
            {error(`params.${p.key}`)}
          </div>
        ))}
        <div className="field">
          <label htmlFor="rule-queues">Queues</label>
          <input id="rule-queues" className="input" list="alert-queue-names" placeholder="all queues" value={queueText} onChange={(e) => setQueueText(e.target.value)} />
          <datalist id="alert-queue-names">
            {queues.map((q) => (
              <option key={q} value={q} />
            ))}
          </datalist>
          <span className="faint field-hint">Comma-separated; empty means every queue.</span>
          {unknownQueues.length > 0 ? <span className="field-error">Unknown queue: {unknownQueues.join(', ')}</span> : null}
          {error('queues')}
        </div>
        <div className="field">
          <label htmlFor="rule-window">Window (s)</label>
          <input id="rule-window" className="input" type="number" step="any" value={draft.windowMs / 1000} onChange={(e) => set({ windowMs: Math.round(Number(e.target.value) * 1000) })} />
          <span className="faint field-hint">Resolves after this long with nothing observed.</span>
          {error('windowMs')}
        </div>
        <div className="field">
          <label htmlFor="rule-cooldown">Cooldown (s)</label>
          <input id="rule-cooldown" className="input" type="number" step="any" value={draft.cooldownMs / 1000} onChange={(e) => set({ cooldownMs: Math.round(Number(e.target.value) * 1000) })} />
          {error('cooldownMs')}
        </div>
        <fieldset className="field alert-channels-pick">
          <legend>Channels</legend>
          {channels.map((c) => (
            <label key={c.id} className="checkbox">
              <input
                type="checkbox"
                checked={draft.channelIds.includes(c.id)}
                onChange={(e) => set({ channelIds: e.target.checked ? [...draft.channelIds, c.id] : draft.channelIds.filter((id) => id !== c.id) })}
              />{' '}
              {c.name} <span className="faint">({c.kind})</span>
            </label>
          ))}
          {error('channelIds')}
        </fieldset>
      </div>
      {save.error && Object.keys(errors).length === 0 ? (
        <div className="form-error" role="alert" style={{ margin: '0 var(--space-4) var(--space-3)' }}>
          {save.error.message}
        </div>
      ) : null}
      {preview.data ? (
        <div className="alert-preview" aria-live="polite" data-testid="rule-preview">
          {!preview.data.supported ? (
            <p className="faint">No history to replay for this kind: the preview covers dead letters and final failures.</p>
          ) : preview.data.messages.length === 0 ? (
            <p>Over the last hour this rule would not have fired.</p>
          ) : (
            <>
              <p>
                Over the last hour this rule would have sent <strong>{preview.data.messages.length}</strong> messages:
              </p>
              <ul>
                {preview.data.messages.slice(0, 12).map((m) => (
                  <li key={`${m.at}-${m.scope}-${m.kind}`}>
                    <time dateTime={m.at}>{new Date(m.at).toLocaleTimeString()}</time> {m.kind} · {m.scope}
                    {m.count > 1 ? ` · ${m.count} events` : ''}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      ) : null}
      <div className="alert-form-actions">
        <Button type="button" onClick={() => preview.mutate(current())} pending={preview.isPending}>
          Preview last hour
        </Button>
        <div className="topbar-spacer" />
        <Button type="button" variant="ghost" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" pending={save.isPending}>
          {rule ? 'Save rule' : 'Create rule'}
        </Button>
      </div>
    </form>
  );
}
