import { describe, expect, it } from 'vitest';
import { changedQueues } from './live-events';

const counts = (failed: number) => ({ waiting: 0, active: 0, failed });

describe('changedQueues', () => {
  it('names only the queues whose counts or paused flag differ from the last event', () => {
    const seen = new Map([
      ['a', JSON.stringify([counts(1), false])],
      ['b', JSON.stringify([counts(0), false])],
      ['c', JSON.stringify([counts(0), false])],
    ]);
    const next = [
      { name: 'a', counts: counts(2), paused: false },
      { name: 'b', counts: counts(0), paused: true },
      { name: 'c', counts: counts(0), paused: false },
      { name: 'd', counts: counts(0), paused: false },
    ];
    expect(changedQueues(seen, next)).toEqual(['a', 'b', 'd']);
  });
});
