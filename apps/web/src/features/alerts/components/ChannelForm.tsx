// The channel editor: Slack, webhook, email or in-app. Secrets are write-only: the form never shows a
// stored one, and on edit a secret left blank keeps its stored value.
import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/Button';
import { useSaveChannel, type AlertChannel, type ChannelDraft, type ChannelKind } from '../api';

const KIND_LABEL: Record<ChannelKind, string> = { slack: 'Slack', webhook: 'Webhook (signed)', email: 'Email (SMTP)', 'in-app': 'In-app feed' };

export function ChannelForm({ channel, onDone }: { channel?: AlertChannel | undefined; onDone: () => void }) {
  const [name, setName] = useState(channel?.name ?? '');
  const [kind, setKind] = useState<ChannelKind>(channel?.kind ?? 'webhook');
  const [config, setConfig] = useState<Record<string, string>>(() => {
    const c = channel?.config ?? {};
    return { host: String(c.host ?? ''), port: String(c.port ?? 587), user: String(c.user ?? ''), from: String(c.from ?? ''), to: Array.isArray(c.to) ? c.to.join(', ') : '' };
  });
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const save = useSaveChannel();

  const secretField = (key: string, label: string, type = 'password') => (
    <div className="field">
      <label htmlFor={`channel-${key}`}>{label}</label>
      <input
        id={`channel-${key}`}
        className="input"
        type={type}
        autoComplete="off"
        required={!channel}
        placeholder={channel?.secrets[key] ? `stored: ${channel.secrets[key]} (blank keeps it)` : undefined}
        value={secrets[key] ?? ''}
        onChange={(e) => setSecrets((s) => ({ ...s, [key]: e.target.value }))}
      />
    </div>
  );
  const configField = (key: string, label: string, type = 'text') => (
    <div className="field">
      <label htmlFor={`channel-${key}`}>{label}</label>
      <input id={`channel-${key}`} className="input" type={type} value={config[key] ?? ''} onChange={(e) => setConfig((c) => ({ ...c, [key]: e.target.value }))} />
    </div>
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const filled = Object.fromEntries(Object.entries(secrets).filter(([, v]) => v !== ''));
    const draft: ChannelDraft = {
      name,
      kind,
      enabled: channel?.enabled ?? true,
      config:
        kind === 'email'
          ? { host: config.host, port: Number(config.port), secure: Number(config.port) === 465, ...(config.user ? { user: config.user } : {}), from: config.from, to: (config.to ?? '').split(',').map((t) => t.trim()).filter(Boolean) }
          : {},
      secrets: filled,
    };
    save.mutate({ id: channel?.id, draft }, { onSuccess: onDone });
  };

  return (
    <form className="card alert-form" onSubmit={submit} aria-label={channel ? `Edit channel ${channel.name}` : 'New channel'}>
      <div className="card-header">
        <h2>{channel ? `Edit “${channel.name}”` : 'New channel'}</h2>
      </div>
      <div className="card-body alert-form-grid">
        <div className="field">
          <label htmlFor="channel-name">Name</label>
          <input id="channel-name" className="input" required maxLength={120} value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="channel-kind">Kind</label>
          <select id="channel-kind" className="input" value={kind} disabled={Boolean(channel)} onChange={(e) => setKind(e.target.value as ChannelKind)}>
            {Object.entries(KIND_LABEL).map(([k, label]) => (
              <option key={k} value={k}>
                {label}
              </option>
            ))}
          </select>
        </div>
        {kind === 'slack' ? secretField('webhookUrl', 'Incoming webhook URL', 'url') : null}
        {kind === 'webhook' ? (
          <>
            {secretField('url', 'URL', 'url')}
            {secretField('signingSecret', 'Signing secret (16+ characters)')}
          </>
        ) : null}
        {kind === 'email' ? (
          <>
            {configField('host', 'SMTP host')}
            {configField('port', 'Port', 'number')}
            {configField('user', 'User')}
            {secretField('password', 'Password')}
            {configField('from', 'From', 'email')}
            {configField('to', 'To (comma-separated)')}
          </>
        ) : null}
        {kind === 'in-app' ? <p className="faint">Alerts appear under the bell in the top bar of every open console.</p> : null}
      </div>
      {save.error ? (
        <div className="form-error" role="alert" style={{ margin: '0 var(--space-4) var(--space-3)' }}>
          {save.error.message}
        </div>
      ) : null}
      <div className="alert-form-actions">
        <div className="topbar-spacer" />
        <Button type="button" variant="ghost" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" pending={save.isPending}>
          {channel ? 'Save channel' : 'Create channel'}
        </Button>
      </div>
    </form>
  );
}
