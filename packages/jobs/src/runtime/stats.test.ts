import { describe, expect, it } from 'vitest';
import { METRIC_MINUTES, perMinute } from './stats.js';

const minute = 60_000;
const at = (m: number, s = 0) => m * minute + s * 1_000;

describe('per-minute metrics', () => {
  it('puts the not-yet-flushed count in the minute it happened and older points after it', () => {
    // Last flush in minute 100 after 7 jobs; 3 more since; the list holds minutes 99, 98.
    const series = perMinute({ count: 10, prevTS: at(100, 5), prevCount: 7 }, [4, 2], at(102, 30));
    expect(series.slice(0, 5)).toEqual([0, 0, 3, 4, 2]);
    expect(series).toHaveLength(METRIC_MINUTES);
  });

  it('is all zeros before any job finished, and drops minutes older than the window', () => {
    expect(perMinute({ count: 0, prevTS: 0, prevCount: 0 }, [], at(5))).toEqual(new Array(METRIC_MINUTES).fill(0));
    const old = perMinute({ count: 5, prevTS: at(10), prevCount: 0 }, [1, 1], at(10 + METRIC_MINUTES));
    expect(old).toEqual(new Array(METRIC_MINUTES).fill(0));
  });
});
