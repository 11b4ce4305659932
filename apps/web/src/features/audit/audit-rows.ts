// One row per audited action on a page (pure, so it is tested without a browser).
import type { AuditEntry } from './api';

/**
 * Each action is written twice under one attempt id: `started` before it runs and its outcome after.
 * On a page, an attempt whose outcome is present shows as one row (with how long it took); a `started`
 * row alone means the action is running or its process died before recording the outcome.
 */
export interface AuditRow {
  entry: AuditEntry;
  startedAt: number | undefined;
}

export function mergeAttempts(items: readonly AuditEntry[]): AuditRow[] {
  const started = new Map<string, number>();
  const finished = new Set<string>();
  for (const e of items) {
    if (e.outcome === 'started') started.set(e.attemptId, Date.parse(e.at));
    else finished.add(e.attemptId);
  }
  return items
    .filter((e) => e.outcome !== 'started' || !finished.has(e.attemptId))
    .map((entry) => ({ entry, startedAt: entry.outcome === 'started' ? undefined : started.get(entry.attemptId) }));
}
