import type { ReactNode } from 'react';

interface StatusPanelProps {
  title: string;
  /** The query behind the panel, as TanStack Query reports it. */
  state: { isPending: boolean; error: Error | null };
  children?: ReactNode;
}

/** A titled section that shows loading and error states, and its children once data is there. */
export function StatusPanel({ title, state, children }: StatusPanelProps) {
  const headingId = `${title.toLowerCase().replace(/\W+/g, '-')}-heading`;
  let body: ReactNode = children;
  if (state.error) {
    body = (
      <p role="alert" className="status-error">
        {state.error.message}
      </p>
    );
  } else if (state.isPending) {
    body = <p aria-busy="true">Loading…</p>;
  }
  return (
    <section aria-labelledby={headingId} className="panel">
      <h2 id={headingId}>{title}</h2>
      {body}
    </section>
  );
}
