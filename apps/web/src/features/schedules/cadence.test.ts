import { describe, expect, it } from 'vitest';
import { describeCron, describeEvery } from './cadence';

describe('describeCron', () => {
  it.each([
    ['0 */5 * * * *', 'every 5 minutes'],
    ['*/30 * * * * *', 'every 30 seconds'],
    ['0 * * * * *', 'every minute'],
    ['0 0 * * * *', 'hourly'],
    ['0 15 * * * *', 'hourly at :15'],
    ['0 10 */6 * * *', 'every 6 hours at :10'],
    ['0 30 4 * * *', 'daily at 04:30'],
    ['0 0 3 * * 1', 'Mondays at 03:00'],
    ['0 0 9 * * 1,5', 'Mondays, Fridays at 09:00'],
    ['0 0 2 1 * *', 'monthly on day 1 at 02:00'],
    ['*/10 * * * *', 'every 10 minutes'],
  ])('%s reads "%s"', (pattern, words) => {
    expect(describeCron(pattern)).toBe(words);
  });

  it.each(['0 0 3 * 6 *', '0 0-5 * * * *', '15 */5 * * * *', 'not a cron', '0 0 3 L * *'])('%s has no description', (pattern) => {
    expect(describeCron(pattern)).toBeNull();
  });
});

describe('describeEvery', () => {
  it('says the interval', () => {
    expect(describeEvery(3_600_000)).toBe('every 1h');
    expect(describeEvery(30_000)).toBe('every 30s');
  });
});
