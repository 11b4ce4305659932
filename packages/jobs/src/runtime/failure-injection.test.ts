import { describe, expect, it } from 'vitest';
import { failureDecider } from './failure-injection.js';

describe('demo failure injection', () => {
  it('poisons about `rate` of the jobs, the same ones on every attempt, and only on listed queues', () => {
    const fails = failureDecider({ rate: 0.1, queues: ['world-events'] }, 0);
    const ids = Array.from({ length: 5_000 }, (_, i) => `job-${i}`);
    const poisoned = ids.filter((id) => fails('world-events', id));
    expect(poisoned.length / ids.length).toBeGreaterThan(0.08);
    expect(poisoned.length / ids.length).toBeLessThan(0.12);
    expect(ids.filter((id) => fails('world-events', id))).toEqual(poisoned);
    expect(ids.some((id) => fails('war-resolution', id))).toBe(false);
  });

  it('fails every attempt during outage windows', () => {
    const fails = failureDecider({ rate: 0, queues: ['world-events'], outage: { afterMs: 60_000, forMs: 30_000, everyMs: 600_000 } }, 1_000);
    expect(fails('world-events', 'a', 1_000 + 59_999)).toBe(false);
    expect(fails('world-events', 'a', 1_000 + 60_000)).toBe(true);
    expect(fails('world-events', 'a', 1_000 + 89_999)).toBe(true);
    expect(fails('world-events', 'a', 1_000 + 90_000)).toBe(false);
    expect(fails('world-events', 'a', 1_000 + 660_000)).toBe(true);
  });

  it('does nothing without configuration', () => {
    expect(failureDecider(undefined, 0)('world-events', 'a')).toBe(false);
  });
});
