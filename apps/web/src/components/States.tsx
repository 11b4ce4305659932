// Empty, loading and error states, the same on every page.
import type { ReactNode } from 'react';
import { ApiError, errorMessage } from '../lib/api-error';

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state-panel" role="status">
      <h3>{title}</h3>
      {children ? <div>{children}</div> : null}
    </div>
  );
}

export function LoadingState({ rows = 5, label = 'Loading…' }: { rows?: number; label?: string }) {
  return (
    <div className="state-panel" role="status" aria-live="polite" style={{ alignItems: 'stretch' }}>
      <span className="visually-hidden">{label}</span>
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="skeleton" style={{ width: `${90 - (i % 3) * 15}%` }} />
      ))}
    </div>
  );
}

export function ErrorState({ error, onRetry, title = 'Could not load this' }: { error: unknown; onRetry?: () => void; title?: string }) {
  const code = error instanceof ApiError ? error.code : undefined;
  return (
    <div className="state-panel" data-tone="error" role="alert">
      <h3>{title}</h3>
      <p style={{ margin: 0 }}>
        {errorMessage(error)}
        {code ? <span className="faint"> ({code})</span> : null}
      </p>
      {onRetry ? (
        <button type="button" className="btn btn-sm" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
