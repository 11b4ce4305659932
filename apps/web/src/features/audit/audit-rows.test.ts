import { describe, expect, it } from 'vitest';
import type { AuditEntry } from './api';
import { mergeAttempts } from './audit-rows';

const entry = (id: number, attemptId: string, outcome: AuditEntry['outcome'], at: string): AuditEntry => ({
  id,
  attemptId,
  at,
  instanceId: 'i1',
  actor: 'alice',
  role: 'operator',
  action: 'queue.pause',
  target: 'queue:payments',
  params: {},
  outcome,
  detail: null,
  ip: null,
});

describe('mergeAttempts', () => {
  it('shows an attempt with an outcome once, with the time it took', () => {
    const rows = mergeAttempts([entry(2, 'a', 'succeeded', '2026-01-01T00:00:01.250Z'), entry(1, 'a', 'started', '2026-01-01T00:00:01.000Z')]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.entry.outcome).toBe('succeeded');
    expect(Date.parse(rows[0]!.entry.at) - rows[0]!.startedAt!).toBe(250);
  });

  it('keeps a started row whose outcome is missing, in order', () => {
    const rows = mergeAttempts([entry(3, 'b', 'started', '2026-01-01T00:00:02Z'), entry(2, 'a', 'failed', '2026-01-01T00:00:01Z')]);
    expect(rows.map((r) => [r.entry.attemptId, r.entry.outcome])).toEqual([
      ['b', 'started'],
      ['a', 'failed'],
    ]);
    expect(rows[1]!.startedAt).toBeUndefined();
  });
});
