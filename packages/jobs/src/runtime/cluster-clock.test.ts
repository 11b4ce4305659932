import { describe, expect, it } from 'vitest';
import { installClusterClock, localNow, recordRedisTime } from './cluster-clock.js';

describe('cluster clock', () => {
  it("shifts Date.now() by the measured skew while installed, and restores the machine's clock after the last release", () => {
    const releaseA = installClusterClock();
    const releaseB = installClusterClock();
    const before = localNow();
    // Redis is 5 minutes behind this machine.
    expect(recordRedisTime(before - 300_000, before, before)).toBe(300_000);
    expect(Math.abs(Date.now() - (localNow() - 300_000))).toBeLessThan(50);
    releaseA();
    releaseA();
    expect(Math.abs(Date.now() - (localNow() - 300_000))).toBeLessThan(50);
    releaseB();
    expect(Math.abs(Date.now() - localNow())).toBeLessThan(50);
  });

  it('only measures while not installed', () => {
    const now = localNow();
    expect(recordRedisTime(now + 1_000, now, now)).toBe(-1_000);
    expect(Math.abs(Date.now() - localNow())).toBeLessThan(50);
  });
});
