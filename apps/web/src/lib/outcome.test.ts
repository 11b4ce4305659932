import { describe, expect, it } from 'vitest';
import { summariseSelection, type SelectionResult } from './outcome';

const results = (done: number, refused: number, missing = 0): SelectionResult[] => [
  ...Array.from({ length: done }, (_, i) => ({ id: `d${i}`, outcome: 'done' as const })),
  ...Array.from({ length: refused }, (_, i) => ({ id: `r${i}`, outcome: 'refused' as const, reason: 'not failed' })),
  ...Array.from({ length: missing }, (_, i) => ({ id: `m${i}`, outcome: 'not-found' as const })),
];

describe('summariseSelection', () => {
  it('says a partial result in numbers: retried 48 of 50; 2 were no longer failed', () => {
    expect(summariseSelection('Retried', results(48, 2), 'no longer failed')).toEqual({
      title: 'Retried 48 of 50 jobs',
      description: '2 were no longer failed',
      tone: 'warning',
    });
  });

  it('names refused and vanished jobs separately', () => {
    expect(summariseSelection('Removed', results(1, 1, 3), 'active').description).toBe('1 was active; 3 no longer exist');
  });

  it('is a plain success when every job was done, and an error when none was', () => {
    expect(summariseSelection('Promoted', results(1, 0), 'no longer delayed')).toEqual({ title: 'Promoted 1 job', description: undefined, tone: 'success' });
    expect(summariseSelection('Retried', results(0, 2), 'no longer failed').tone).toBe('error');
  });
});
